import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 answer read off the socket.
struct RawResponse {
    var status: Int
    var headers: [String: String]
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON value.
    func json() throws -> Any { try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }

    /// The body as a JSON object.
    func object() throws -> [String: Any] {
        guard let object = try json() as? [String: Any] else {
            throw RawHTTPError("not a JSON object: \(text)")
        }
        return object
    }

    /// The `error` message of a JSON error answer.
    var errorMessage: String? { (try? object())?["error"] as? String }
}

struct RawHTTPError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A minimal HTTP client on a plain socket, so tests can send any Host, Origin and Cookie header they like
/// (URLSession would not let them). One request per connection (`Connection: close`).
struct RawHTTPClient {
    var port: Int

    func send(_ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil) throws -> RawResponse {
        let socket = try connect()
        defer { close(socket) }
        var head = "\(method) \(path) HTTP/1.1\r\n"
        var fields = headers
        if fields["Host"] == nil { fields["Host"] = "127.0.0.1:\(port)" }
        fields["Connection"] = "close"
        if let body { fields["Content-Length"] = String(body.count) }
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) where !value.isEmpty { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        try write(socket, Data(head.utf8) + (body ?? Data()))
        return try parse(readAll(socket))
    }

    /// Opens a socket, sends `request` and returns it still open (for WebSockets).
    func open(_ request: String) throws -> Int32 {
        let socket = try connect()
        try write(socket, Data(request.utf8))
        return socket
    }

    private func connect() throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw RawHTTPError("socket() failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 120, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(socket)
            throw RawHTTPError("cannot connect to port \(port)")
        }
        return socket
    }

    func write(_ socket: Int32, _ data: Data) throws {
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.send(socket, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                guard written > 0 else { throw RawHTTPError("send failed") }
                offset += written
            }
        }
    }

    /// Reads up to `count` bytes (at least one), or nil at the end of the stream.
    func read(_ socket: Int32, upTo count: Int = 65536) throws -> Data? {
        var buffer = [UInt8](repeating: 0, count: count)
        let received = recv(socket, &buffer, count, 0)
        if received == 0 { return nil }
        guard received > 0 else { throw RawHTTPError("recv failed or timed out") }
        return Data(buffer[0..<received])
    }

    private func readAll(_ socket: Int32) throws -> Data {
        var data = Data()
        while let chunk = try read(socket) { data += chunk }
        return data
    }

    private func parse(_ data: Data) throws -> RawResponse {
        guard let end = data.range(of: Data("\r\n\r\n".utf8)) else { throw RawHTTPError("no HTTP head in answer") }
        let lines = String(decoding: data[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw RawHTTPError("bad status line \(lines[0])") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { "\($0), \(value)" } ?? value
        }
        var body = Data(data[end.upperBound...])
        if headers["transfer-encoding"]?.contains("chunked") == true { body = try dechunk(body) }
        return RawResponse(status: status, headers: headers, body: body)
    }

    private func dechunk(_ data: Data) throws -> Data {
        var result = Data()
        var index = data.startIndex
        while let lineEnd = data[index...].range(of: Data("\r\n".utf8)) {
            let sizeText = String(decoding: data[index..<lineEnd.lowerBound], as: UTF8.self)
            guard let size = Int(sizeText.split(separator: ";")[0], radix: 16) else { throw RawHTTPError("bad chunk") }
            if size == 0 { break }
            let start = lineEnd.upperBound
            result += data[start..<(start + size)]
            index = start + size + 2
        }
        return result
    }
}
