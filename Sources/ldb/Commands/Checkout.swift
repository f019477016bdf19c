import ArgumentParser
import LDBDocument

/// `ldb checkout`: move HEAD to any revision or tag, on any branch.
struct Checkout: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Move HEAD to a revision or tag.",
        discussion: "The layers become what they were at that revision; the next edit branches from there.")

    @OptionGroup var project: ProjectArgument

    @Argument(help: ArgumentHelp("A revision id or a tag.", valueName: "revision"))
    var revision: String

    func run() throws {
        let head = try project.open().checkout(revision)
        print("HEAD is now revision \(head.id): \(head.description)")
    }
}

/// `ldb tag`: name a revision.
struct Tag: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Name a revision (HEAD when none is given).")

    @OptionGroup var project: ProjectArgument

    @Argument(help: "The tag: not a number, unique in the project.")
    var name: String

    @Argument(help: ArgumentHelp("The revision id or tag to name.", valueName: "revision"))
    var revision: String?

    func run() throws {
        let tagged = try project.open().tag(name, at: revision)
        print("tagged revision \(tagged.id) as \(quoted(name))")
    }
}
