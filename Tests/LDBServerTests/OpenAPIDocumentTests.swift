import Foundation
import Testing
@testable import LDBServer

/// Holds the server to `openapi.json`: the routes it registers are exactly the documented paths and methods,
/// and the answers to a session of calls fit the documented status codes and schemas.
@Suite final class OpenAPIDocumentTests {
    private let document: [String: Any]

    init() async throws {
        let url = try #require(PageResources.openAPIURL)
        document = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        let server = try EditorServer(configuration: ServerConfiguration(port: 0, paths: [FileManager.default.temporaryDirectory]))
        var registered = Set(server.makeRouter().routes.map { "\($0.method.rawValue.lowercased()) \(openAPIPath($0.path.description))" })
        registered.formUnion(server.makeWebSocketRouter().routes.map { "\($0.method.rawValue.lowercased()) \(openAPIPath($0.path.description))" })
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0) \(path)" } })
        #expect(registered.subtracting(documented).sorted() == [], "routes missing from openapi.json")
        #expect(documented.subtracting(registered).sorted() == [], "documented routes the server lacks")
    }

    @Test func answersFitTheDocument() async throws {
        let server = try await TestServer()
        defer { server.stop() }
        let project = "/api/projects/demo.ldbproj"
        let calls: [(String, String, String, Any?)] = [
            ("get", "/api/projects", "/api/projects", nil),
            ("post", "/api/projects", "/api/projects", ["name": "made.ldbproj", "prompt": "p", "width": 16, "height": 16]),
            ("post", "/api/projects", "/api/projects", ["name": "made.ldbproj", "prompt": "p"]),
            ("get", "/api/projects/{project}", project, nil),
            ("get", "/api/projects/{project}", "/api/projects/none.ldbproj", nil),
            ("patch", "/api/projects/{project}/settings", "\(project)/settings", ["base": 1, "guidance": 5]),
            ("patch", "/api/projects/{project}/settings", "\(project)/settings", ["base": 2, "steps": "many"]),
            ("post", "/api/projects/{project}/layers", "\(project)/layers", ["base": 2, "prompt": "x", "box": [0, 0, 8, 8]]),
            ("post", "/api/projects/{project}/layers", "\(project)/layers", ["base": 2]),
            ("patch", "/api/projects/{project}/layers/{layer}", "\(project)/layers/layer%201", ["base": 3, "opacity": 0.5]),
            ("patch", "/api/projects/{project}/layers/{layer}", "\(project)/layers/layer%201", ["base": 4, "opacity": 5]),
            ("post", "/api/projects/{project}/layers/{layer}/preview", "\(project)/layers/layer%201/preview", ["base": 4, "opacity": 0.3]),
            ("post", "/api/projects/{project}/layers/{layer}/preview", "\(project)/layers/layer%201/preview", ["base": 4, "opacity": 5]),
            ("post", "/api/projects/{project}/layers/{layer}/preview", "\(project)/layers/layer%201/preview", ["base": 3, "opacity": 0.3]),
            ("post", "/api/projects/{project}/layers/{layer}/duplicate", "\(project)/layers/layer%201/duplicate", ["base": 4]),
            ("post", "/api/projects/{project}/layers/{layer}/move", "\(project)/layers/layer%201/move", ["base": 5, "to": 1]),
            ("get", "/api/projects/{project}/layers/{layer}/mask.png", "\(project)/layers/layer%201/mask.png", nil),
            ("delete", "/api/projects/{project}/layers/{layer}", "\(project)/layers/layer%201%20copy?base=6", nil),
            ("post", "/api/projects/{project}/undo", "\(project)/undo", ["base": 7]),
            ("post", "/api/projects/{project}/redo", "\(project)/redo", ["base": 6]),
            ("post", "/api/projects/{project}/checkout", "\(project)/checkout", ["base": 7, "revision": 2]),
            ("post", "/api/projects/{project}/tags", "\(project)/tags", ["name": "start"]),
            ("get", "/api/projects/{project}/history", "\(project)/history", nil),
            ("get", "/api/projects/{project}/render.png", "\(project)/render.png?head=2", nil),
            ("get", "/api/projects/{project}/render.png", "\(project)/render.png?head=1", nil),
            ("get", "/api/projects/{project}/render.png", "\(project)/render.png?head=2&quality=final", nil),
            ("get", "/api/projects/{project}/render.png", "\(project)/render.png?head=2&quality=best", nil),
            ("get", "/api/projects/{project}/original.png", "\(project)/original.png", nil),
            ("get", "/api/openapi.json", "/api/openapi.json", nil),
            ("get", "/page/{file}", "/page/main.js", nil),
            ("get", "/page/{file}", "/page/none.js", nil),
        ]
        for (method, template, target, body) in calls {
            let response = try await server.request(method.uppercased(), target, json: body)
            let operation = try #require((document["paths"] as? [String: [String: Any]])?[template]?[method] as? [String: Any], "\(method) \(template) is not documented")
            let responses = try #require(operation["responses"] as? [String: Any])
            guard let documented = responses[String(response.status)] as? [String: Any] else {
                Issue.record("\(method) \(target) answered \(response.status), which the document does not list: \(response.text)")
                continue
            }
            let answer = try resolve(documented)
            let contentType = response.headers["content-type"]?.split(separator: ";").first.map(String.init) ?? ""
            guard let content = answer["content"] as? [String: Any] else { continue }
            let media = try #require(content[contentType] as? [String: Any], "\(method) \(target): content type \(contentType) is not documented")
            if contentType == "application/json", let schema = media["schema"] as? [String: Any] {
                let problems = validate(try JSONDecoder().decode(JSONValue.self, from: response.body), against: schema,
                                        at: "\(method) \(target)")
                #expect(problems == [], "\(response.text)")
            }
        }
    }

    // MARK: A small JSON Schema check: type, required, properties, items, $ref, oneOf.

    private func openAPIPath(_ routerPath: String) -> String {
        routerPath.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
        }.joined(separator: "/")
    }

    private func resolve(_ node: [String: Any]) throws -> [String: Any] {
        guard let reference = node["$ref"] as? String else { return node }
        var current: Any = document
        for part in reference.dropFirst(2).split(separator: "/") {
            current = try #require((current as? [String: Any])?[String(part)], "bad $ref \(reference)")
        }
        return try resolve(try #require(current as? [String: Any]))
    }

    private func validate(_ value: JSONValue, against schemaNode: [String: Any], at path: String) -> [String] {
        guard let schema = try? resolve(schemaNode) else { return ["\(path): unresolvable schema"] }
        if let options = schema["oneOf"] as? [[String: Any]] {
            return options.contains { validate(value, against: $0, at: path).isEmpty } ? [] : ["\(path): fits no option"]
        }
        let types = (schema["type"] as? [String]) ?? (schema["type"] as? String).map { [$0] } ?? []
        if !types.isEmpty, !types.contains(where: value.fits) {
            return ["\(path): \(value) is not \(types.joined(separator: " or "))"]
        }
        var problems: [String] = []
        switch value {
        case .object(let object):
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                problems.append("\(path): '\(key)' is missing")
            }
            let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
            for (key, child) in object {
                if let property = properties[key] {
                    problems += validate(child, against: property, at: "\(path).\(key)")
                } else if !properties.isEmpty {
                    problems.append("\(path): '\(key)' is not documented")
                }
            }
        case .array(let array):
            if let items = schema["items"] as? [String: Any] {
                for (index, element) in array.enumerated() {
                    problems += validate(element, against: items, at: "\(path)[\(index)]")
                }
            }
        default:
            break
        }
        return problems
    }
}

/// A JSON value as decoded, keeping booleans and numbers apart.
private indirect enum JSONValue: Decodable, CustomStringConvertible {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    func fits(_ type: String) -> Bool {
        switch (self, type) {
        case (.null, "null"), (.bool, "boolean"), (.number, "number"), (.string, "string"), (.array, "array"),
             (.object, "object"):
            return true
        case (.number(let value), "integer"):
            return value == value.rounded()
        default:
            return false
        }
    }

    var description: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return String(value)
        case .number(let value): return String(value)
        case .string(let value): return "\"\(value)\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
