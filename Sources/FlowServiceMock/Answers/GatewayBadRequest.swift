import Hummingbird

/// The gateway's answer to a POST, PUT or PATCH without `Content-Type: application/json`, as
/// Adobe's Platform troubleshooting guide shows it ("Valid content-type not specified"):
/// `{"type": "/placeholder/type/uri", "status": 400, "title": "BadRequestError",
/// "detail": "A valid content-type must be specified"}`.
struct GatewayBadRequest: MockErrorAnswer, Equatable {
    static let contentTypeMissing = GatewayBadRequest()

    func response(requestID: String) -> Response {
        JSONAnswer.response(
            .badRequest,
            .object([
                ("type", "/placeholder/type/uri"),
                ("status", 400),
                ("title", "BadRequestError"),
                ("detail", "A valid content-type must be specified"),
            ])
        )
    }
}
