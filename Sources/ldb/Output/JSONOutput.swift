import Foundation
import LDBEditing

/// Prints a value as pretty, key-sorted JSON on standard output (the shapes are LDBEditing's).
func printJSON(_ value: some Encodable) throws {
    print(String(decoding: try JSONEncoder.ldb.encode(value), as: UTF8.self))
}
