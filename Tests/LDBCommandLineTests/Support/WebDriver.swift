import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A WebDriver (W3C) client for `chromedriver` on loopback, through URLSession: enough to drive the editor
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

    /// Replaces the text of the field matching `selector` with `text`.
    func type(_ text: String, into selector: String) throws {
        let field = try element(selector)
        try call("POST", "/session/\(session)/element/\(field)/clear", [:])
        try call("POST", "/session/\(session)/element/\(field)/value", ["text": text])
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

    /// Presses `key` with the modifier keys held (WebDriver key codes, e.g. `Key.control`).
    func press(_ key: String, holding modifiers: [String]) throws {
        var actions: [[String: Any]] = modifiers.map { ["type": "keyDown", "value": $0] }
        actions += [["type": "keyDown", "value": key], ["type": "keyUp", "value": key]]
        actions += modifiers.reversed().map { ["type": "keyUp", "value": $0] }
        try perform([["type": "key", "id": "keyboard", "actions": actions]])
    }

    enum Key {
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
        var request = URLRequest(url: base.appendingPathComponent(path))
        request.httpMethod = method
        request.timeoutInterval = 120
        if let body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let result = Locked<Result<Data, Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, _, error in
            result.set(error.map { .failure($0) } ?? .success(data ?? Data()))
            done.signal()
        }.resume()
        done.wait()
        let data = try result.get()!.get()
        let object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any]
        let value = object?["value"]
        if let error = value as? [String: Any], let kind = error["error"] as? String {
            throw Failure(description: "\(method) \(path): \(kind): \(error["message"] ?? "")")
        }
        return value is NSNull ? nil : value
    }
}

/// A value set by URLSession's thread and read by the test's.
private final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
}
