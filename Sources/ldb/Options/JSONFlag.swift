import ArgumentParser

/// `--json`: print machine-readable output instead of text.
struct JSONFlag: ParsableArguments {
    @Flag(help: "Print the result as JSON.")
    var json = false
}
