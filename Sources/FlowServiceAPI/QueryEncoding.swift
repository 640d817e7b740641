import Foundation

/// Percent-encodes query values and path segments: everything but RFC 3986's unreserved characters
/// is escaped (Foundation's `urlQueryAllowed` would leave `&`, `=` and `+` as they are).
enum QueryEncoding {
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    )

    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}
