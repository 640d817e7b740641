import FlowBatchModel
import Foundation

/// Masks known secret values in text that came from elsewhere (a server's error message may echo
/// what it was sent) and keeps that text short and on one line.
public struct Redactor: Sendable {
    private let secrets: [String]

    /// Masks each of `secrets` as written, JSON-escaped (an echo inside a JSON string) and
    /// percent-encoded (an echo of a form or query), however short: a short secret garbles the text
    /// it masks, which is better than showing it.
    public init(_ secrets: [Secret]) {
        var forms = Set<String>()
        for secret in secrets where !secret.revealed.isEmpty {
            let value = secret.revealed
            forms.insert(value)
            var json = JSONWriter(capacity: value.utf8.count + 8)
            json.string(value)
            forms.insert(String(decoding: json.bytes.dropFirst().dropLast(), as: UTF8.self))
            if let encoded = value.addingPercentEncoding(withAllowedCharacters: Self.unreserved) {
                forms.insert(encoded)
            }
        }
        // Longest first, so that a secret containing another is masked whole.
        self.secrets = forms.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    private init(forms: [String]) {
        secrets = forms
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    )

    /// The same redactor masking `more` secrets as well.
    public func adding(_ more: [Secret]) -> Redactor {
        guard !more.isEmpty else { return self }
        let added = Redactor(more).secrets
        return Redactor(forms: (secrets + added).sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 })
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
