import FlowBatchModel
import Synchronization

/// Hands out the access token for Platform calls, and renews it: shortly before it expires, and once
/// after the gateway refuses it (401013). A renewal is shared by every task that needs it — when 64
/// requests fail with 401013 at once, IMS is asked once.
///
/// A token that was fetched because the previous one was refused, and that is refused again before
/// any call succeeded with it, is not cured by renewing: that is a ``RunError``.
public final class TokenProvider: Sendable {
    /// One issued token; `generation` tells renewals apart.
    public struct Token: Sendable {
        /// The bearer token.
        public let value: Secret
        let generation: Int
    }

    /// Fetches a new token and its lifetime in seconds.
    public typealias Fetch = @Sendable () async throws(RunError) -> (token: Secret, lifetime: Double)

    private struct State {
        var current: Token?
        var renewAt: ContinuousClock.Instant?
        /// The tasks waiting for the renewal another task is making; `nil` while none is under way.
        var renewalWaiters: [CheckedContinuation<Token?, any Error>]?
        var generation = 0
        /// Generations that a call has succeeded with.
        var proven: Set<Int> = []
        /// The generation fetched because its predecessor was refused.
        var fetchedAfterRefusal: Int?
    }

    private let fetch: Fetch?
    private let state: Mutex<State>
    private let renewable: Bool
    private let entitlementAdvice: String
    /// The time now: injected by tests, so that expiry needs no real waiting.
    private let now: @Sendable () -> ContinuousClock.Instant

    /// A fixed token (`AEP_ACCESS_TOKEN`): it is never renewed, and a refusal stops the run.
    public init(fixed token: Secret) {
        fetch = nil
        renewable = false
        entitlementAdvice = Self.defaultEntitlementAdvice
        now = { ContinuousClock.now }
        state = Mutex(State(current: Token(value: token, generation: 0)))
    }

    /// Tokens from `fetch` (IMS client credentials), fetched on first use and renewed;
    /// `entitlementAdvice` says what to check when even a fresh token is refused.
    public convenience init(fetch: @escaping Fetch, entitlementAdvice: String? = nil) {
        self.init(fetch: fetch, now: { ContinuousClock.now }, entitlementAdvice: entitlementAdvice)
    }

    init(
        fetch: @escaping Fetch,
        now: @escaping @Sendable () -> ContinuousClock.Instant,
        entitlementAdvice: String? = nil
    ) {
        self.fetch = fetch
        self.now = now
        self.entitlementAdvice = entitlementAdvice ?? Self.defaultEntitlementAdvice
        renewable = true
        state = Mutex(State())
    }

    static let defaultEntitlementAdvice = "check AEP_ORG_ID, the API key and the project's product profiles"

    /// The token to use now; fetches or renews it when needed.
    public func token() async throws(RunError) -> Token {
        let now = self.now()
        let current = state.withLock { state -> Token? in
            guard let current = state.current else { return nil }
            if let renewAt = state.renewAt, now >= renewAt { return nil }
            return current
        }
        if let current { return current }
        return try await renew(replacing: nil)
    }

    /// Reports that `token` was refused (401013); returns the token to try again with.
    ///
    /// Throws when the token cannot be renewed (a fixed token), or when a token fetched after a
    /// refusal is refused before it ever worked.
    public func refused(_ token: Token) async throws(RunError) -> Token {
        guard renewable else {
            throw RunError(
                .authenticationRejected,
                "the access token was refused (401013): it has expired or is not valid for this org;"
                    + " set a fresh AEP_ACCESS_TOKEN, or use AEP_CLIENT_ID and AEP_CLIENT_SECRET so that tokens are renewed",
                serviceCode: "401013"
            )
        }
        let decision = state.withLock { state -> Token? in
            if let current = state.current, current.generation != token.generation { return current }
            return nil
        }
        if let decision { return decision }
        let hopeless = state.withLock { state in
            state.fetchedAfterRefusal == token.generation && !state.proven.contains(token.generation)
        }
        if hopeless {
            throw RunError(
                .authenticationRejected,
                "a freshly issued access token was refused too (401013): the credentials are not entitled to this"
                    + " org or API; \(entitlementAdvice)",
                serviceCode: "401013"
            )
        }
        return try await renew(replacing: token.generation)
    }

    /// Reports that a call succeeded with `token`, so a later refusal of it means it expired.
    public func accepted(_ token: Token) {
        state.withLock { state in
            if state.proven.count > 64 { state.proven.removeAll() }
            state.proven.insert(token.generation)
        }
    }

    /// How many tasks wait for the renewal another task is fetching (for tests).
    var renewalWaiterCount: Int { state.withLock { $0.renewalWaiters?.count ?? 0 } }

    /// Renews the token: the first task that needs it fetches it, in its own task (so a stop or a
    /// cancellation reaches the fetch); the tasks that need it meanwhile wait for that token.
    private func renew(replacing refused: Int?) async throws(RunError) -> Token {
        guard let fetch else {
            return state.withLock { $0.current! }
        }
        do {
            let renewed = try await withCheckedThrowingContinuation {
                (waiter: CheckedContinuation<Token?, any Error>) in
                let leads = state.withLock { state -> Bool in
                    guard state.renewalWaiters != nil else {
                        state.renewalWaiters = []
                        return true
                    }
                    state.renewalWaiters?.append(waiter)
                    return false
                }
                if leads { waiter.resume(returning: nil) }
            }
            if let renewed { return renewed }
        } catch let error as RunError {
            throw error
        } catch {
            throw RunError(.tokenService, "could not get an access token: \(error)")
        }
        let fetched: Swift.Result<(token: Secret, lifetime: Double), RunError>
        do {
            fetched = .success(try await fetch())
        } catch {
            fetched = .failure(error)
        }
        let (outcome, waiters) = state.withLock { state in
            defer { state.renewalWaiters = nil }
            let outcome = fetched.map {
                install($0.token, lifetime: $0.lifetime, afterRefusal: refused != nil, in: &state)
            }
            return (outcome, state.renewalWaiters ?? [])
        }
        for waiter in waiters { waiter.resume(with: outcome.map { $0 }) }
        return try outcome.get()
    }

    private func install(_ value: Secret, lifetime: Double, afterRefusal: Bool, in state: inout State) -> Token {
        state.generation += 1
        let token = Token(value: value, generation: state.generation)
        state.current = token
        // Renew a little before expiry: a tenth of the lifetime early, at most five minutes.
        let early = min(300, max(0, lifetime) * 0.1)
        state.renewAt = now() + .seconds(max(0, lifetime - early))
        state.fetchedAfterRefusal = afterRefusal ? token.generation : nil
        return token
    }
}
