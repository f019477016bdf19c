import ArgumentParser
import Foundation
import LDBDocument

/// The project file every command but `new` and `demo` works on.
struct ProjectArgument: ParsableArguments {
    @Argument(help: ArgumentHelp("The project file.", valueName: "project.ldbproj"))
    var path: String

    var url: URL { URL(fileURLWithPath: path) }

    /// Opens the existing project, refusing anything that is not one.
    func open() throws -> Project {
        try Project.open(at: url)
    }
}
