/// A parsed JSON document, as RFC 8259 defines it. Objects keep the last value of a repeated key.
///
/// The mock parses request bodies itself instead of through `JSONDecoder` and `Codable`: it is
/// several times faster on the create path, and the validation that follows can say precisely
/// which field has which wrong type.
public enum JSONValue: Equatable, Sendable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    /// Parses a whole document; anything but whitespace after the value is an error.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        return try parser.parseDocument()
    }

    /// Parses a whole document held in `bytes`.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        let result: Result<JSONValue, JSONSyntaxError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONSyntaxError) in try Self.parse(UnsafeRawBufferPointer(buffer)) }
        }
        if let result {
            return try result.get()
        }
        let copy = Array(bytes)
        return try copy.withUnsafeBytes { buffer in
            Result { () throws(JSONSyntaxError) in try Self.parse(buffer) }
        }.get()
    }

    /// The string, when this is one.
    var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }
}
