/// One field that differs between two versions of a layer or of the base settings, as `("strength", "0.9 -> 0.8")`.
public struct FieldChange: Equatable, Sendable {
    public var field: String
    public var change: String

    public init(field: String, change: String) {
        (self.field, self.change) = (field, change)
    }

    /// The change of `field` from `old` to `new` (both as they read in a description), or nil when they read
    /// the same.
    public init?(_ field: String, _ old: String, _ new: String) {
        guard old != new else { return nil }
        self.init(field: field, change: "\(old) -> \(new)")
    }

    /// `FIELD OLD -> NEW, …`.
    static func list(_ changes: [FieldChange]) -> String {
        changes.map { "\($0.field) \($0.change)" }.joined(separator: ", ")
    }
}
