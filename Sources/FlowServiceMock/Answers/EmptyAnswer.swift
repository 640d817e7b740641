import Hummingbird

/// An answer with a status and no body: the bare 429 of ``MockFaults/throttleBare`` and IMS's 429.
struct EmptyAnswer: MockErrorAnswer, Equatable {
    var status: HTTPResponse.Status
    /// Seconds for the `Retry-After` header, when there is one.
    var retryAfter: Int?

    func response(requestID: String) -> Response {
        var headers: HTTPFields = [:]
        if let retryAfter {
            headers[.retryAfter] = String(retryAfter)
        }
        return Response(status: self.status, headers: headers)
    }
}
