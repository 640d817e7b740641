/// The JSON of a `POST /connections` body as sent, every field optional so that validation can
/// say precisely what is missing.
struct CreateConnectionBody: Decodable, Sendable {
    struct Auth: Decodable, Sendable {
        var specName: String?
        var params: [String: ParamValue]?
    }

    struct Spec: Decodable, Sendable {
        var id: String?
        var version: String?
    }

    /// An auth param value: a string, `null`, or anything else (which is rejected).
    enum ParamValue: Decodable, Sendable, Equatable {
        case string(String)
        case null
        case other

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let text = try? container.decode(String.self) {
                self = .string(text)
            } else {
                self = .other
            }
        }
    }

    var name: String?
    var description: String?
    var auth: Auth?
    var connectionSpec: Spec?
}
