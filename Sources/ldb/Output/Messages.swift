import Foundation

/// Prints `message` and a newline on standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// What keep-background does, for the help of `ldb new` and `ldb render` (docs/algorithm.md, "Composite and
/// finish", and LDBEngine's `BackgroundKeeping`).
let keepBackgroundHelp = """
    Keep the base image's pixels away from the visible layers: the render shows through inside the layers' \
    masks grown by 8 pixels and softened by a Gaussian blur of 8 pixels, so pixels up to about 30 pixels \
    outside a mask can change; farther out every pixel is the base image's, exactly.
    """

/// A file-system error from Foundation as a sentence naming the path and the problem; other errors as they are.
func readableError(_ error: any Error) -> any Error {
    let nsError = error as NSError
    guard nsError.domain == NSCocoaErrorDomain else { return error }
    let path = (nsError.userInfo[NSFilePathErrorKey] as? String)
        ?? (nsError.userInfo[NSURLErrorKey] as? URL)?.path ?? "a file"
    return FileSystemError(path: path, reason: describe(error))
}

/// A file that could not be read or written, and why.
struct FileSystemError: Error, CustomStringConvertible {
    var path: String
    var reason: String

    var description: String { "\(path): \(reason)" }
}
