import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The status and headers of one HTTP answer.
struct HubHTTPResponse: Sendable {
    /// The URL that answered.
    let url: URL
    let status: Int
    /// Header fields by lowercased name.
    let headers: [String: String]

    init(_ response: HTTPURLResponse, url: URL) {
        self.url = url
        status = response.statusCode
        var headers: [String: String] = [:]
        for (name, value) in response.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        self.headers = headers
    }

    subscript(_ name: String) -> String? {
        headers[name.lowercased()]
    }

    var isRedirect: Bool {
        [301, 302, 303, 307, 308].contains(status)
    }

    /// The redirect's target, resolved against the URL that answered.
    var location: URL? {
        self["Location"].flatMap { URL(string: $0, relativeTo: url)?.absoluteURL }
    }
}

/// Blocking HTTP exchanges over `URLSession` that never follow redirects by themselves (the caller decides
/// whether a redirect keeps the token), and stream bodies to a handler instead of holding them in memory.
struct HubHTTPClient: Sendable {
    /// Seconds without any data after which a request fails.
    var timeout: TimeInterval = 60

    /// Sends `request` and returns the whole body; for small answers (JSON) only.
    func data(for request: URLRequest) throws(HubDownloadError) -> (HubHTTPResponse, Data) {
        var body = Data()
        let response = try stream(request, onResponse: { _ in true }, onData: { body.append($0) })
        return (response, body)
    }

    /// Sends `request`; `onResponse` sees the status and headers and says whether the body is wanted, then
    /// `onData` receives the body in pieces as they arrive. An error thrown by `onData` cancels the transfer and
    /// is rethrown; a connection that fails midway throws `.transport` after the pieces that did arrive.
    func stream(_ request: URLRequest, onResponse: @escaping (HubHTTPResponse) -> Bool,
                onData: @escaping (Data) throws -> Void) throws(HubDownloadError) -> HubHTTPResponse {
        var request = request
        request.timeoutInterval = timeout
        request.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
        let url = request.url ?? URL(fileURLWithPath: "/")
        let delegate = StreamingDelegate(url: url, onResponse: onResponse, onData: onData)
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: queue)
        session.dataTask(with: request).resume()
        delegate.finished.wait()
        session.finishTasksAndInvalidate()

        if let bodyError = delegate.bodyError {
            if let error = bodyError as? HubDownloadError { throw error }
            throw .transport(url, reason: String(describing: bodyError))
        }
        if let failure = delegate.failure, !delegate.refusedBody {
            throw .transport(url, reason: failure.localizedDescription)
        }
        guard let response = delegate.response else {
            throw .transport(url, reason: "no HTTP answer")
        }
        return response
    }
}

/// Collects one task's events; the delegate queue is serial and the caller reads the results only after
/// `finished` is signalled, so the state needs no lock.
private final class StreamingDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let url: URL
    let onResponse: (HubHTTPResponse) -> Bool
    let onData: (Data) throws -> Void
    let finished = DispatchSemaphore(value: 0)
    var response: HubHTTPResponse?
    var failure: Error?
    var bodyError: Error?
    /// Whether the body was refused by `onResponse` (the task is then cancelled on purpose).
    var refusedBody = false

    init(url: URL, onResponse: @escaping (HubHTTPResponse) -> Bool, onData: @escaping (Data) throws -> Void) {
        self.url = url
        self.onResponse = onResponse
        self.onData = onData
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        guard let http = response as? HTTPURLResponse else {
            completionHandler(.cancel)
            return
        }
        let answer = HubHTTPResponse(http, url: url)
        self.response = answer
        if onResponse(answer) {
            completionHandler(.allow)
        } else {
            refusedBody = true
            completionHandler(.cancel)
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard bodyError == nil, !refusedBody else { return }
        do {
            try onData(data)
        } catch {
            bodyError = error
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if response == nil, let http = task.response as? HTTPURLResponse {
            response = HubHTTPResponse(http, url: url)
        }
        failure = error
        finished.signal()
    }
}
