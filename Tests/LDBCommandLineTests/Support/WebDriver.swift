import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A WebDriver (W3C) client for `chromedriver` on loopback, over plain sockets: enough to drive the editor
/// page headless — find, click, type, pointer and key actions, scripts and screenshots.
final class WebDriver {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"
    let base: URL
    private(set) var session = ""

    /// Opens a headless Chromium session on the chromedriver listening at `port`.
    init(port: Int, chromium: String) throws {
        base = URL(string: "http://127.0.0.1:\(port)")!
        let deadline = Date().addingTimeInterval(30)
        while (try? call("GET", "/status"))?["ready"] as? Bool != true {
            guard Date() < deadline else { throw Failure(description: "chromedriver did not start") }
            Thread.sleep(forTimeInterval: 0.2)
        }
        let options: [String: Any] = [
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--no-first-run", "--disable-extensions"],
        ]
        let answer = try call("POST", "/session", [
            "capabilities": ["alwaysMatch": ["browserName": "chrome", "goog:chromeOptions": options]],
        ])
        guard let id = answer["sessionId"] as? String else { throw Failure(description: "no session: \(answer)") }
        session = id
    }

    func quit() {
        _ = try? call("DELETE", "/session/\(session)")
    }

    // MARK: Commands

    func navigate(_ url: URL) throws {
        try call("POST", "/session/\(session)/url", ["url": url.absoluteString])
    }

    /// The element matching the CSS `selector`.
    func element(_ selector: String) throws -> String {
        let answer = try call("POST", "/session/\(session)/element", ["using": "css selector", "value": selector])
        guard let element = answer[Self.elementKey] as? String else {
            throw Failure(description: "no element '\(selector)': \(answer)")
        }
        return element
    }

    func click(_ selector: String) throws {
        try call("POST", "/session/\(session)/element/\(try element(selector))/click", [:])
    }

    /// Replaces the text of the field matching `selector` with `text`, as typed keys. (WebDriver's "clear"
    /// would fire a change event of its own; selecting all with Ctrl+A and typing over it is what a person does.)
    func type(_ text: String, into selector: String) throws {
        let field = try element(selector)
        let keys = Key.control + "a" + Key.null + text
        try call("POST", "/session/\(session)/element/\(field)/value", ["text": keys])
    }

    /// Runs `script` (a function body) in the page and returns its value.
    @discardableResult
    func run(_ script: String, _ arguments: [Any] = []) throws -> Any? {
        try callValue("POST", "/session/\(session)/execute/sync", ["script": script, "args": arguments])
    }

    /// A drag with the left (`button` 0) or right (2) button through `points`, offsets from the centre of the
    /// element matching `selector`, as pointer events.
    func drag(on selector: String, through points: [(Int, Int)], button: Int = 0) throws {
        let origin = [Self.elementKey: try element(selector)]
        var actions: [[String: Any]] = [["type": "pointerMove", "duration": 0, "origin": origin,
                                         "x": points[0].0, "y": points[0].1]]
        actions.append(["type": "pointerDown", "button": button])
        for point in points.dropFirst() {
            actions.append(["type": "pointerMove", "duration": 50, "origin": origin, "x": point.0, "y": point.1])
        }
        actions.append(["type": "pointerUp", "button": button])
        try perform([["type": "pointer", "id": "mouse", "parameters": ["pointerType": "mouse"], "actions": actions]])
    }

    /// Presses the left button at `from` and moves to `to` (offsets from the centre of the element matching
    /// `selector`) without releasing it; `release()` ends the drag.
    func press(on selector: String, from: (Int, Int), to: (Int, Int)) throws {
        let origin = [Self.elementKey: try element(selector)]
        try call("POST", "/session/\(session)/actions", ["actions": [[
            "type": "pointer", "id": "mouse", "parameters": ["pointerType": "mouse"],
            "actions": [
                ["type": "pointerMove", "duration": 0, "origin": origin, "x": from.0, "y": from.1],
                ["type": "pointerDown", "button": 0],
                ["type": "pointerMove", "duration": 100, "origin": origin, "x": to.0, "y": to.1],
            ] as [[String: Any]],
        ]]])
    }

    /// Releases the button `press(on:from:to:)` holds.
    func release() throws {
        try perform([["type": "pointer", "id": "mouse", "parameters": ["pointerType": "mouse"],
                      "actions": [["type": "pointerUp", "button": 0]]]])
    }

    /// Presses `key` with the modifier keys held (WebDriver key codes, e.g. `Key.control`).
    func press(_ key: String, holding modifiers: [String]) throws {
        var actions: [[String: Any]] = modifiers.map { ["type": "keyDown", "value": $0] }
        actions += [["type": "keyDown", "value": key], ["type": "keyUp", "value": key]]
        actions += modifiers.reversed().map { ["type": "keyUp", "value": $0] }
        try perform([["type": "key", "id": "keyboard", "actions": actions]])
    }

    enum Key {
        /// Releases every modifier key held.
        static let null = "\u{E000}"
        static let control = "\u{E009}"
        static let shift = "\u{E008}"
        static let tab = "\u{E004}"
    }

    func screenshot(to url: URL) throws {
        guard let text = try callValue("GET", "/session/\(session)/screenshot") as? String,
              let data = Data(base64Encoded: text)
        else { throw Failure(description: "no screenshot") }
        try data.write(to: url)
    }

    private func perform(_ sources: [[String: Any]]) throws {
        try call("POST", "/session/\(session)/actions", ["actions": sources])
        try call("DELETE", "/session/\(session)/actions")
    }

    // MARK: Transport

    @discardableResult
    private func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) throws -> [String: Any] {
        (try callValue(method, path, body) as? [String: Any]) ?? [:]
    }

    private func callValue(_ method: String, _ path: String, _ body: [String: Any]? = nil) throws -> Any? {
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
        let data = try Self.exchange(port: base.port!, method: method, path: path, body: payload)
        let object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any]
        let value = object?["value"]
        if let error = value as? [String: Any], let kind = error["error"] as? String {
            throw Failure(description: "\(method) \(path): \(kind): \(error["message"] ?? "")")
        }
        return value is NSNull ? nil : value
    }

    /// One HTTP/1.1 request on its own connection to chromedriver on loopback; the answer's body.
    ///
    /// The body is read up to its `Content-Length`: chromedriver answers `Connection: close` but leaves the
    /// socket open, so reading to the end of the stream would wait for the receive timeout on every call.
    private static func exchange(port: Int, method: String, path: String, body: Data) throws -> Data {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket() failed") }
        defer { close(socket) }
        // No command of the test takes long; a stuck browser fails the test instead of hanging it.
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { throw Failure(description: "cannot connect to chromedriver") }
        let head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
        let request = Data(head.utf8) + body
        try request.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let sent = send(socket, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                guard sent > 0 else { throw Failure(description: "send to chromedriver failed") }
                offset += sent
            }
        }
        var answer = Data()
        var chunk = [UInt8](repeating: 0, count: 65536)
        var expectedLength: Int?
        while expectedLength.map({ answer.count < $0 }) ?? true {
            let received = recv(socket, &chunk, chunk.count, 0)
            guard received >= 0 else { throw Failure(description: "no answer from chromedriver to \(method) \(path)") }
            if received == 0 { break }
            answer += chunk[0..<received]
            if expectedLength == nil, let end = answer.range(of: Data("\r\n\r\n".utf8)) {
                let header = String(decoding: answer[..<end.lowerBound], as: UTF8.self).lowercased()
                let length = header.split(separator: "\r\n")
                    .first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) }
                guard let length else { throw Failure(description: "no Content-Length from chromedriver") }
                expectedLength = end.upperBound + length
            }
        }
        guard let end = answer.range(of: Data("\r\n\r\n".utf8)) else { throw Failure(description: "bad answer") }
        return Data(answer[end.upperBound...])
    }
}
