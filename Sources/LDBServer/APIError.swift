import Foundation
import HTTPTypes
import Hummingbird
import LDBDocument
import LDBEditing
import LDBEngine
import LDBImage

/// An error answered to the client as `{"error": message}` with `status`.
///
/// Every error a handler throws becomes one of these (`ErrorMiddleware`): the document's, the engine's and
/// the image code's errors keep their messages, so the page says what the CLI would.
struct APIError: Error, CustomStringConvertible, Sendable {
    var status: HTTPResponse.Status
    var message: String
    /// The HEAD revision the client should reload, for a stale edit.
    var head: Int64?

    init(_ status: HTTPResponse.Status, _ message: String, head: Int64? = nil) {
        self.status = status
        self.message = message
        self.head = head
    }

    var description: String { message }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, message) }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, message) }

    /// The answer for any error thrown while handling a request.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as DocumentError:
            return from(error)
        case let error as EngineError:
            if case .cancelled = error {
                return APIError(.conflict, "the render was superseded by a newer edit")
            }
            return APIError(.unprocessableContent, error.description)
        case let error as EditingError:
            return APIError(.unprocessableContent, error.description)
        case let error as ImageError:
            return APIError(.unprocessableContent, "image: \(error)")
        case let error as HTTPError:
            return APIError(error.status, error.body ?? error.status.reasonPhrase)
        default:
            return APIError(.internalServerError, "internal error: \(error)")
        }
    }

    private static func from(_ error: DocumentError) -> APIError {
        switch error {
        case .layerNotFound, .revisionNotFound, .blobNotFound:
            return APIError(.notFound, error.description)
        case .staleHead(_, let found):
            return APIError(.conflict, error.description, head: found)
        case .nothingToUndo, .nothingToRedo, .tagExists, .alreadyExists, .locked:
            return APIError(.conflict, error.description)
        case .invalidParameter, .duplicateLayerName, .maskSizeMismatch, .maskByteCountMismatch:
            return APIError(.unprocessableContent, error.description)
        case .fileNotFound:
            return APIError(.notFound, error.description)
        case .isFolder:
            return APIError(.unprocessableContent, error.description)
        case .notSQLite, .foreignApplication, .newerFormat, .corrupt:
            return APIError(.unprocessableContent, error.description)
        case .storage, .missingSchema:
            return APIError(.internalServerError, error.description)
        }
    }

    /// The JSON response.
    var response: Response {
        var object: [String: Any] = ["error": message]
        if let head { object["head"] = head }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Answers every error as JSON with a clear message (see `APIError`).
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let answer = APIError.from(error)
            if answer.status.code >= 500 {
                FileHandle.standardError.write(Data("ldb serve: \(request.method) \(request.uri.path): \(answer.message)\n".utf8))
            }
            return answer.response
        }
    }
}
