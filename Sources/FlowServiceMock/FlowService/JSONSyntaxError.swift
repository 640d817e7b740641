/// Why a JSON document could not be parsed, and at which byte offset.
public struct JSONSyntaxError: Error, Equatable, Sendable {
    var offset: Int
    var reason: String
}
