import Foundation
import Hummingbird
import LDBDocument
import LDBEditing
import LDBImage

/// A request's JSON object, read within the size limit and checked to name only `allowed` fields.
struct JSONBody {
    let data: Data
    let fields: Set<String>

    static func read(_ request: Request, limit: Int, allowed: Set<String>) async throws -> JSONBody {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, "the request body is larger than \(limit) bytes")
        }
        let data = Data(buffer.readableBytesView)
        guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            throw APIError.badRequest("the request body is not valid JSON")
        }
        guard let dictionary = object as? [String: Any] else {
            throw APIError.badRequest("the request body must be a JSON object")
        }
        if let unknown = Set(dictionary.keys).subtracting(allowed).sorted().first {
            throw APIError.badRequest(
                "unknown field '\(unknown)' (expected one of: \(allowed.sorted().joined(separator: ", ")))")
        }
        return JSONBody(data: data, fields: Set(dictionary.keys))
    }

    /// The body as `T`, with a message naming the field that does not fit.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw APIError.badRequest(Self.message(for: error))
        }
    }

    private static func message(for error: DecodingError) -> String {
        func field(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "the body" : "field '" + path.map { $0.intValue.map(String.init) ?? $0.stringValue }
                .joined(separator: ".") + "'"
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(field(context.codingPath)): expected \(describe(type))"
        case .valueNotFound(let type, let context):
            return "\(field(context.codingPath)): expected \(describe(type)), found null"
        case .keyNotFound(let key, let context):
            return "\(field(context.codingPath + [key])) is required"
        case .dataCorrupted(let context):
            return "\(field(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "the body does not fit: \(error)"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Double.Type, is Float.Type: return "a number"
        case is Int.Type, is Int64.Type, is UInt64.Type: return "an integer"
        default: return "\(type)"
        }
    }
}

/// A seed given as a JSON number or as a decimal string (JavaScript numbers stop being exact above 2^53).
struct SeedValue: Decodable {
    var value: UInt64

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(UInt64.self) {
            value = number
        } else if let text = try? container.decode(String.self), let number = UInt64(text) {
            value = number
        } else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "a seed is an integer 0 ... 18446744073709551615 (a number or a decimal string)"))
        }
    }
}

/// A PNG sent as base64 text.
struct PNGValue: Decodable {
    var data: Data

    init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        let payload = text.hasPrefix("data:") ? String(text.drop { $0 != "," }.dropFirst()) : text
        guard let data = Data(base64Encoded: payload) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "expected a PNG in base64"))
        }
        self.data = data
    }
}

/// The fields of a layer a request may set; each one given replaces the layer's value.
struct LayerFields: Decodable {
    static let names: Set<String> = [
        "name", "visible", "prompt", "negative_prompt", "seed", "regen_steps", "strength", "guidance", "opacity",
        "feather", "invert", "mask_png", "box",
    ]

    var name: String?
    var visible: Bool?
    var prompt: String?
    var negativePrompt: String?
    var seed: SeedValue?
    var regenSteps: Int?
    var strength: Double?
    var guidance: Double?
    var opacity: Double?
    var feather: Double?
    var invert: Bool?
    var maskPNG: PNGValue?
    var box: [Int]?

    enum CodingKeys: String, CodingKey {
        case name, visible, prompt, negativePrompt = "negative_prompt", seed, regenSteps = "regen_steps"
        case strength, guidance, opacity, feather, invert, maskPNG = "mask_png", box
    }

    /// Copies every given value except the region into `layer`.
    func apply(to layer: inout Layer) {
        LayerEdit(name: name, visible: visible, prompt: prompt, negativePrompt: negativePrompt, seed: seed?.value,
                  regenSteps: regenSteps, strength: strength, guidance: guidance, opacity: opacity, feather: feather,
                  invert: invert).apply(to: &layer)
    }

    /// The region given by `mask_png` or `box` at the project's size, or nil when neither was given.
    func region(width: Int, height: Int) throws -> Mask? {
        switch (maskPNG, box) {
        case (.some, .some):
            throw APIError.badRequest("give either 'mask_png' or 'box', not both")
        case (let png?, nil):
            let mask = try Mask(pngData: png.data)
            guard mask.width == width, mask.height == height else {
                throw APIError(.unprocessableContent,
                               "mask_png is \(mask.width)x\(mask.height) but the project is \(width)x\(height)")
            }
            return mask
        case (nil, let box?):
            guard box.count == 4 else { throw APIError.badRequest("field 'box': expected [x, y, width, height]") }
            return try Mask.rectangle(width: width, height: height, x: box[0], y: box[1], w: box[2], h: box[3])
        case (nil, nil):
            return nil
        }
    }
}

/// The base settings a request may change.
struct SettingsFields: Decodable {
    static let names: Set<String> = ["prompt", "negative_prompt", "guidance", "steps", "blend_steps", "keep_background", "region",
                                          "region_margin", "seed"]

    var prompt: String?
    var negativePrompt: String?
    var guidance: Double?
    var steps: Int?
    var blendSteps: Int?
    var keepBackground: Bool?
    var region: RegionMode?
    var regionMargin: Int?
    var seed: SeedValue?

    enum CodingKeys: String, CodingKey {
        case prompt, negativePrompt = "negative_prompt", guidance, steps, blendSteps = "blend_steps"
        case keepBackground = "keep_background", region, regionMargin = "region_margin", seed
    }

    /// Applies the fields as `ldb set` does, checked against the project's `model`.
    func apply(to settings: inout ProjectSettings, model: ModelReference) throws {
        try SettingsEdit(prompt: prompt, negativePrompt: negativePrompt, steps: steps, guidance: guidance,
                         blendSteps: blendSteps, keepBackground: keepBackground, region: region,
                         regionMargin: regionMargin).apply(to: &settings, model: model)
        if let seed {
            guard settings.sourceImageSHA256 == nil else {
                throw APIError(.unprocessableContent, "a real-image project has no seed to change")
            }
            settings.seed = seed.value
        }
    }
}

/// The HEAD revision a change was made on.
struct BaseField: Decodable {
    var base: Int64
}

/// `POST …/layers/{layer}/move`.
struct MoveFields: Decodable {
    var to: Int
}

/// `POST …/checkout`.
struct CheckoutFields: Decodable {
    var revision: String

    enum CodingKeys: String, CodingKey { case revision }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let id = try? container.decode(Int64.self, forKey: .revision) {
            revision = String(id)
        } else {
            revision = try container.decode(String.self, forKey: .revision)
        }
    }
}

/// `POST …/tags`.
struct TagFields: Decodable {
    var name: String
    var revision: Int64?
}

/// `POST /api/projects`.
struct NewProjectFields: Decodable {
    static let names: Set<String> = [
        "name", "prompt", "negative_prompt", "seed", "width", "height", "steps", "guidance", "blend_steps",
        "image_png",
    ]

    var name: String
    var prompt: String?
    var negativePrompt: String?
    var seed: SeedValue?
    var width: Int?
    var height: Int?
    var steps: Int?
    var guidance: Double?
    var blendSteps: Int?
    var imagePNG: PNGValue?

    enum CodingKeys: String, CodingKey {
        case name, prompt, negativePrompt = "negative_prompt", seed, width, height, steps, guidance
        case blendSteps = "blend_steps", imagePNG = "image_png"
    }
}
