import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket

extension EditorServer {
    func addPageRoutes(to router: Router<BasicWebSocketRequestContext>) {
        router.get("/") { request, _ in
            guard request.uri.queryParameters["token"] == nil else {
                // The start-up URL: keep the token in a cookie and drop it from the address bar.
                var response = Response(status: .seeOther, headers: [.location: "/"])
                response.setCookie(Cookie(name: access.cookieName, value: access.token, path: "/", httpOnly: true,
                                          sameSite: .strict))
                return response
            }
            return try pageFile("index.html")
        }
        router.get("/page/:file") { _, context in
            try pageFile(try pathParameter("file", context))
        }
        router.get("/api/openapi.json") { _, _ in
            bytes(page.openAPI, contentType: "application/json")
        }
    }

    private func pageFile(_ name: String) throws -> Response {
        guard let file = page.file(name) else { throw APIError.notFound("no page file '\(name)'") }
        var response = bytes(file.data, contentType: file.contentType)
        response.headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'self'; img-src 'self' blob: data:; connect-src 'self'; frame-ancestors 'none'"
        return response
    }
}
