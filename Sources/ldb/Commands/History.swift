import ArgumentParser
import Foundation
import LDBDocument
import LDBEditing

/// `ldb history`: the tree of revisions, newest first, with HEAD and tags marked.
struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the tree of revisions, newest first.",
        discussion: "Each branch is a lane; ● marks a revision, HEAD and tags are named in brackets.")

    @OptionGroup var project: ProjectArgument
    @OptionGroup var output: JSONFlag

    func run() throws {
        let document = try project.open()
        let head = try document.head().id
        let revisions = try document.revisions()
        if output.json {
            try printJSON(HistoryJSON(head: head, revisions: revisions))
        } else {
            HistoryGraph(revisions: revisions, head: head).lines().forEach { print($0) }
        }
    }
}
