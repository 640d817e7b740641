/// Masks known secret values in text that came from elsewhere (a server's error message may echo
/// what it was sent) and keeps that text short and on one line.
public struct Redactor: Sendable {
    private let secrets: [String]

    /// Masks each of `secrets` (values shorter than 4 characters are left alone: masking every `a`
    /// would garble messages and hide nothing).
    public init(_ secrets: [Secret]) {
        self.secrets = secrets.map(\.revealed).filter { $0.count >= 4 }.sorted { $0.count > $1.count }
    }

    /// The same redactor masking `more` secrets as well.
    public func adding(_ more: [Secret]) -> Redactor {
        Redactor(secrets.map(Secret.init) + more)
    }

    /// `text` with every secret replaced by `***`, control characters replaced by spaces, and cut
    /// to 500 characters.
    public func clean(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: "***")
        }
        result = String(result.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : Character($0) })
        if result.count > 500 { result = String(result.prefix(500)) + "…" }
        return result
    }
}
