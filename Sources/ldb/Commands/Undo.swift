import ArgumentParser
import LDBDocument

/// `ldb undo`: move HEAD back to the parent revision.
struct Undo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take back the last K changes.",
        discussion: "Nothing is deleted: `ldb redo` steps forward again, and a new edit starts a branch.")

    @OptionGroup var project: ProjectArgument
    @OptionGroup var steps: StepCount

    func run() throws {
        let head = try project.open().undo(steps.count)
        print("HEAD is now revision \(head.id): \(head.description)")
    }
}

/// `ldb redo`: move HEAD forward along the branch last visited.
struct Redo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Redo K changes that were undone, along the branch last visited.")

    @OptionGroup var project: ProjectArgument
    @OptionGroup var steps: StepCount

    func run() throws {
        let head = try project.open().redo(steps.count)
        print("HEAD is now revision \(head.id): \(head.description)")
    }
}

/// `K`: how many revisions `undo` and `redo` move.
struct StepCount: ParsableArguments {
    @Argument(help: ArgumentHelp("How many revisions to move.", valueName: "K"))
    var count = 1

    func validate() throws {
        guard count >= 1 else { throw ValidationError("K must be at least 1.") }
    }
}
