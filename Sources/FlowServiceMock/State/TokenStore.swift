import Synchronization

/// The access tokens the mock's IMS issued, with the instant each one expires.
final class TokenStore: Sendable {
    private let expiries = Mutex<[String: Duration]>([:])

    /// Issues a new opaque random token valid for `lifetime` from `now`.
    func issue(lifetime: Duration, now: Duration) -> String {
        var generator = SystemRandomNumberGenerator()
        let token = RandomText.base64URL(byteCount: 32, using: &generator)
        self.expiries.withLock { expiries in
            if expiries.count >= 4_096 {
                expiries = expiries.filter { $0.value > now }
            }
            expiries[token] = now + lifetime
        }
        return token
    }

    /// Whether `token` was issued here and has not expired at `now`.
    func isValid(_ token: String, now: Duration) -> Bool {
        self.expiries.withLock { $0[token].map { now < $0 } ?? false }
    }
}
