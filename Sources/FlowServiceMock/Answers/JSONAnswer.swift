import Foundation
import Hummingbird
import NIOCore

/// Builds answers whose body is a JSON-encoded value.
enum JSONAnswer {
    static let contentType = "application/json"

    static func response(
        _ status: HTTPResponse.Status,
        _ value: some Encodable,
        contentType: String = Self.contentType,
        headers: HTTPFields = [:]
    ) -> Response {
        var headers = headers
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: Self.encode(value)))
    }

    static func encode(_ value: some Encodable) -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        // The answer types hold only strings, integers, booleans and containers of them, which
        // JSONEncoder cannot fail to encode.
        return ByteBuffer(bytes: try! encoder.encode(value))
    }
}
