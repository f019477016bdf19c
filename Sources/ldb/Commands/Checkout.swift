import ArgumentParser
import LDBDocument
import LDBEditing

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

/// `ldb tag`: name a revision, list the names, or delete one.
struct Tag: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Name a revision (HEAD when none is given), list the tags, or delete one.",
        discussion: """
            `ldb tag P NAME [REV]` names a revision; `ldb tag P` (or --list) lists the tags; \
            `ldb tag P --delete NAME` removes a tag (the revision stays).
            """)

    @OptionGroup var project: ProjectArgument

    @Argument(help: "The tag: not a number, not HEAD, without spaces, unique in the project.")
    var name: String?

    @Argument(help: ArgumentHelp("The revision id or tag to name.", valueName: "revision"))
    var revision: String?

    @Flag(help: "List the tags and the revisions they name.")
    var list = false

    @Flag(help: "Delete the tag NAME.")
    var delete = false

    @OptionGroup var output: JSONFlag

    func validate() throws {
        if list && (delete || name != nil) { throw ValidationError("--list takes no tag name and no --delete.") }
        if delete && (name == nil || revision != nil) { throw ValidationError("--delete takes one tag name.") }
        if output.json && (name != nil || delete) { throw ValidationError("--json goes with listing the tags.") }
    }

    func run() throws {
        let document = try project.open()
        if delete, let name {
            let revision = try document.deleteTag(name)
            print("deleted tag \(quoted(name)) (it named revision \(revision))")
        } else if let name {
            let tagged = try document.tag(name, at: revision)
            print("tagged revision \(tagged.id) as \(quoted(name))")
        } else {
            let tags = try document.tags()
            if output.json {
                try printJSON(tags.map(TagJSON.init))
            } else if tags.isEmpty {
                print("no tags")
            } else {
                let width = tags.map(\.name.count).max() ?? 0
                for tag in tags { print("\(tag.name.padding(toLength: width, withPad: " ", startingAt: 0))  revision \(tag.revision)") }
            }
        }
    }
}
