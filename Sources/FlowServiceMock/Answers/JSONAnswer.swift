import Hummingbird
import NIOCore

/// Builds answers whose body is JSON.
enum JSONAnswer {
    static let contentType = "application/json"

    static func response(
        _ status: HTTPResponse.Status,
        _ value: JSONOutput,
        contentType: String = Self.contentType,
        headers: HTTPFields = [:]
    ) -> Response {
        Self.response(status, value.buffer, contentType: contentType, headers: headers)
    }

    static func response(
        _ status: HTTPResponse.Status,
        _ body: ByteBuffer,
        contentType: String = Self.contentType,
        headers: HTTPFields = [:]
    ) -> Response {
        var headers = headers
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: body))
    }
}
