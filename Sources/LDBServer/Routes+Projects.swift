import Foundation
import Hummingbird
import HummingbirdWebSocket
import LDBDocument
import LDBEditing
import LDBImage

extension EditorServer {
    func addProjectRoutes(to router: Router<BasicWebSocketRequestContext>) {
        router.get("/api/projects") { _, _ in
            try json(ProjectListShape(projects: registry.names(), canCreate: registry.creationFolder != nil))
        }
        router.post("/api/projects") { request, _ in
            let body = try await JSONBody.read(request, limit: configuration.maximumBodyBytes,
                                               allowed: NewProjectFields.names)
            let fields = try body.decode(NewProjectFields.self)
            let session = try await blocking { [self] in try createProject(fields) }
            return try json(ChangeShape(description: "create project", project: try await snapshot(of: session)),
                            status: .created)
        }
        router.get("/api/projects/:project") { _, context in
            try json(try await snapshot(of: try session(context)))
        }
        router.patch("/api/projects/:project/settings") { request, context in
            let session = try session(context)
            let body = try await JSONBody.read(request, limit: configuration.maximumBodyBytes,
                                               allowed: SettingsFields.names.union(["base"]))
            let base = try body.decode(BaseField.self).base
            let fields = try body.decode(SettingsFields.self)
            let model = try await blocking { try session.project.model() }
            return try await commit(on: session, base: base) { state, _ in
                let before = state.settings
                try fields.apply(to: &state.settings, model: model)
                return SettingsChanges(from: before, to: state.settings).description
            }
        }
    }

    /// The project as `ldb info --json` prints it, named by its served name, read so that HEAD and the state
    /// belong together.
    func snapshot(of session: ProjectSession) async throws -> ProjectInfoJSON {
        try await blocking {
            while true {
                let head = try session.project.head()
                let state = try session.project.state()
                if try session.project.head().id == head.id {
                    return ProjectInfoJSON(project: session.name, formatVersion: try session.project.formatVersionOnDisk(),
                                           head: head, state: state, model: try session.project.model())
                }
            }
        }
    }

    /// Commits `change` as one revision made on `base`, tells the session's pages, and answers with the project.
    func commit(
        on session: ProjectSession, base: Int64,
        _ change: @escaping @Sendable (inout ProjectState, ChangeContext) throws -> String
    ) async throws -> Response {
        let revision = try await blocking {
            try session.project.commit { state, context in
                try context.requireHead(base)
                return try change(&state, context)
            }
        }
        return try await answerChange(on: session, description: revision?.description)
    }

    /// The answer to a change: what it did and the project afterwards; pages watching are told.
    func answerChange(on session: ProjectSession, description: String?) async throws -> Response {
        let project = try await snapshot(of: session)
        if description != nil { session.didChange(head: project.head) }
        return try json(ChangeShape(description: description, project: project))
    }

    /// Creates a project from the request, with the same defaults as `ldb new`.
    private func createProject(_ fields: NewProjectFields) throws -> ProjectSession {
        let url = try registry.newLocation(for: fields.name)
        let model = try configuration.modelForNewProjects ?? registry.names().lazy
            .compactMap { try? self.registry.session($0).project.model() }.first
            ?? { throw APIError(.unprocessableContent,
                                "no model for new projects: start ldb serve with --model") }()
        var settings = ProjectSettings(
            width: fields.width ?? 512, height: fields.height ?? 512, steps: fields.steps ?? 20,
            blendSteps: fields.blendSteps ?? 2, prompt: fields.prompt ?? "",
            negativePrompt: fields.negativePrompt ?? "", guidance: fields.guidance ?? (fields.imagePNG == nil ? 7.5 : 1))
        if let png = fields.imagePNG {
            guard fields.seed == nil, fields.width == nil, fields.height == nil else {
                throw APIError.badRequest("'seed', 'width' and 'height' describe a generated image; not with 'image_png'")
            }
            let image = try RGBImage(pngData: png.data)
            (settings.width, settings.height) = (image.width, image.height)
        } else {
            guard fields.prompt != nil else {
                throw APIError.badRequest("give 'image_png' to edit a picture, or 'prompt' (and 'seed') to generate one")
            }
            settings.seed = fields.seed?.value ?? UInt64.random(in: .min ... .max)
        }
        if let problem = ParameterBounds.sizeProblem(width: settings.width, height: settings.height) {
            throw APIError(.unprocessableContent, "image size: \(problem)")
        }
        let side = configuration.maximumImageSide
        guard settings.width <= side, settings.height <= side else {
            throw APIError(.unprocessableContent,
                           "image size \(settings.width)x\(settings.height): this server takes sides up to \(side) pixels")
        }
        _ = try Project.create(at: url, settings: settings, model: model, sourceImagePNG: fields.imagePNG?.data)
        return try registry.session(fields.name)
    }
}

