import FlowBatchTestSupport
import Foundation
import Testing

@testable import FlowBatch
@testable import FlowBatchEngine
@testable import FlowBatchModel
@testable import FlowServiceAPI

@Suite("Retry policy, budget and concurrency", .timeLimit(.minutes(2)))
struct ExecutionPolicyTests {
    @Test("backoff ceilings double from 0.5 s and stop at 30 s")
    func ceilings() {
        let policy = RetryPolicy()
        let ceilings = (1...9).map { policy.ceiling(beforeRetry: $0) }
        #expect(
            ceilings == [
                .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(30),
                .seconds(30), .seconds(30),
            ]
        )
    }

    @Test("full jitter spreads delays between zero and the ceiling")
    func fullJitter() {
        let policy = RetryPolicy()
        #expect(policy.delay(beforeRetry: 3, retryAfter: nil, fraction: 0) == .zero)
        #expect(policy.delay(beforeRetry: 3, retryAfter: nil, fraction: 0.5) == .seconds(1))
        #expect(policy.delay(beforeRetry: 3, retryAfter: nil, fraction: 1) == .seconds(2))
        var system = SystemRandomNumberGenerator()
        let delays = (0..<1000).map { _ in policy.delay(beforeRetry: 4, retryAfter: nil, using: &system) }
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= .seconds(4) })
        #expect(Set(delays).count > 900)
    }

    @Test("Retry-After wins over a shorter backoff, and a longer backoff over Retry-After")
    func retryAfterWins() {
        let policy = RetryPolicy()
        #expect(policy.delay(beforeRetry: 1, retryAfter: 7, fraction: 0) == .seconds(7))
        #expect(policy.delay(beforeRetry: 6, retryAfter: 1, fraction: 1) == .seconds(16))
    }

    @Test("the retry budget allows a trickle of retries for ever but stops a storm")
    func retryBudget() {
        let storm = RetryBudget(capacity: 100, refillPerSuccess: 0.2)
        var granted = 0
        while storm.tryRetry() { granted += 1 }
        #expect(granted == 49)
        let trickle = RetryBudget(capacity: 100, refillPerSuccess: 0.2)
        for _ in 0..<10_000 {
            for _ in 0..<6 { trickle.recordSuccess() }
            #expect(trickle.tryRetry())
        }
    }

    @Test("concurrency halves on a throttle, once per second, and grows back by one per window")
    func aimd() {
        let limit = ConcurrencyLimit(maximum: 64)
        let start = ContinuousClock.now
        limit.throttled(now: start)
        #expect(limit.current == 32)
        limit.throttled(now: start + .milliseconds(500))
        #expect(limit.current == 32)
        limit.throttled(now: start + .seconds(2))
        #expect(limit.current == 16)
        // One more allowed per window's worth (about 16) of successes.
        for _ in 0..<15 { limit.succeeded() }
        #expect(limit.current == 16)
        for _ in 0..<2 { limit.succeeded() }
        #expect(limit.current == 17)
        for _ in 0..<10_000 { limit.succeeded() }
        #expect(limit.current == 64)
        for second in 0..<20 { limit.throttled(now: start + .seconds(10 + second * 2)) }
        #expect(limit.current == 1)
    }

    @Test("a Retry-After pause holds every waiter until it passes, and can be extended")
    func pauseGate() async throws {
        let clock = ManualClock()
        let gate = PauseGate(clock: clock)
        gate.pause(until: clock.now.advanced(by: .seconds(5)))
        let waiters = (0..<3).map { _ in Task { try await gate.wait() } }
        await clock.waitForSleepers(3)
        #expect(clock.sleeperCount == 3)
        gate.pause(until: clock.now.advanced(by: .seconds(8)))
        gate.pause(until: clock.now.advanced(by: .seconds(2)))
        clock.advance(by: .seconds(5))
        await clock.waitForSleepers(3)
        #expect(clock.sleeperCount == 3)
        clock.advance(by: .seconds(3))
        for waiter in waiters { try await waiter.value }
        #expect(clock.sleeperCount == 0)
    }

    @Test("a stop signal ends waits at once")
    func stopEndsWaits() async {
        let clock = ManualClock()
        let stop = StopSignal()
        let waiting = Task { await stop.unlessStopped { try await clock.sleep(for: .seconds(3600)) } }
        await clock.waitForSleepers(1)
        stop.stop(.interrupted)
        #expect(await waiting.value == false)
        #expect(await stop.unlessStopped { try await clock.sleep(for: .seconds(1)) } == false)
    }
}

@Suite("Answers", .timeLimit(.minutes(2)))
struct AnswerTests {
    private let none = Redactor([])

    @Test("gateway, Flow Service and proxy bodies are read into codes and messages")
    func errorBodies() {
        let gateway = ErrorBody.refusal(
            of: ServiceAnswer(
                status: 403,
                requestID: "r1",
                body: Array(#"{"error_code":"403003","message":"Api Key is invalid"}"#.utf8)
            ),
            redactor: none
        )
        #expect(gateway.code == .gatewayRefused)
        #expect(gateway.serviceCode == "403003")
        let flow = ErrorBody.refusal(
            of: ServiceAnswer(
                status: 400,
                requestID: "r2",
                body: Array(
                    #"{"type":"https://ns.adobe.com/aep/errors/FLOW-1413-400","title":"Bad Request","status":400,"report":{"detailed-message":"The spec ID provided is invalid.","request-id":"x"},"errorMessage":"The spec ID provided is invalid."}"#
                        .utf8
                )
            ),
            redactor: none
        )
        #expect(flow.code == .serviceRefused)
        #expect(flow.serviceCode == "FLOW-1413-400")
        #expect(flow.message == "The spec ID provided is invalid.")
        let html = ErrorBody.refusal(
            of: ServiceAnswer(
                status: 502,
                body: Array("<html><head><title>502 Bad Gateway</title></head></html>".utf8)
            ),
            redactor: none
        )
        #expect(html.code == .httpRefused)
        #expect(html.resultCode == "http-502")
        #expect(html.message == "HTTP 502 with a body that is not an API error: \"502 Bad Gateway\"")
    }

    @Test("server messages echoing a secret are masked")
    func echoedSecretsAreMasked() {
        let redactor = Redactor([Secret("hunter2-secret")])
        let failure = ErrorBody.refusal(
            of: ServiceAnswer(
                status: 400,
                body: Array(#"{"error_code":"400001","message":"bad password hunter2-secret\nfor user"}"#.utf8)
            ),
            redactor: redactor
        )
        #expect(failure.message == "bad password *** for user")
    }

    @Test("a secret is masked as written, JSON-escaped and percent-encoded, however short")
    func secretsAreMaskedInEveryForm() {
        let redactor = Redactor([Secret("p\"w/1 é"), Secret("ab")]).adding([Secret("tok-9")])
        #expect(redactor.clean("got p\"w/1 é") == "got ***")
        #expect(redactor.clean(#"{"password":"p\"w/1 é"}"#) == #"{"password":"***"}"#)
        #expect(redactor.clean("password=p%22w%2F1%20%C3%A9&x=1") == "password=***&x=1")
        #expect(redactor.clean("ab cd") == "*** cd")
        #expect(redactor.clean("Bearer tok-9") == "Bearer ***")
        #expect(Redactor([Secret("")]).clean("unchanged") == "unchanged")
    }

    @Test(
        "answers are sorted into row, sandbox and run errors and transient failures",
        arguments: [
            (403, "403003", "run"), (403, "403027", "run"), (400, "400003", "run"), (403, "403025", "run"),
            (404, "FLOW-2100-404", "sandbox"), (404, "FLOW-2101-404", "sandbox"), (403, "FLOW-2121-403", "sandbox"),
            (403, "FLOW-2118-403", "sandbox"), (400, "FLOW-1413-400", "run"), (400, "FLOW-1415-400", "run"),
            (400, "FLOW-2114-400", "run"), (400, "FLOW-2115-400", "run"), (400, "FLOW-1100-400", "run"),
            (429, "429050", "throttled"), (429, nil, "throttled"), (500, "FLOW-1102-500", "ambiguous"),
            (503, "FLOW-1103-503", "ambiguous"), (504, "FLOW-1104-504", "ambiguous"), (502, nil, "ambiguous"),
            (408, nil, "ambiguous"), (404, nil, "run"), (409, nil, "row"), (400, "MOCK-4001-400", "row"),
        ] as [(Int, String?, String)]
    )
    func classification(_ status: Int, _ code: String?, _ expected: String) throws {
        let failure = RunError(.gatewayRefused, "m", httpStatus: status, serviceCode: code)
        let kind: String
        switch try AnswerClassifier.classify(failure, sandbox: "prod") {
        case .runError: kind = "run"
        case .rowError: kind = "row"
        case .sandboxError: kind = "sandbox"
        case .transient(let reason, let ambiguous):
            kind = reason.throttled ? "throttled" : ambiguous ? "ambiguous" : "transient"
        }
        #expect(kind == expected)
    }

    @Test("no answer after sending is ambiguous; no connection at all is not")
    func transportAmbiguity() throws {
        func ambiguous(_ code: RunError.Code) throws -> Bool {
            guard case .transient(_, let ambiguous) = try AnswerClassifier.classify(RunError(code, ""), sandbox: "prod")
            else { return false }
            return ambiguous
        }
        #expect(try ambiguous(.timeout))
        #expect(try ambiguous(.connectionReset))
        #expect(try !ambiguous(.connectFailed))
        guard
            case .transient(let reason, true) = try AnswerClassifier.classify(
                RunError(.malformedResponse, "the answer has no connection id", httpStatus: 201, requestID: "r"),
                sandbox: "prod"
            )
        else {
            Issue.record("an unreadable 201 must be ambiguous")
            return
        }
        #expect(reason.failure.resultCode == "malformed-response")
        #expect(reason.failure.message == "HTTP 201 but the answer has no connection id; the connection may exist")
        #expect(!reason.throttled && reason.retryAfter == nil && !reason.unreachable)
    }

    @Test("Retry-After is read as seconds or as an HTTP date")
    func retryAfter() {
        #expect(RetryAfter.seconds(from: "7") == 7)
        #expect(RetryAfter.seconds(from: nil) == nil)
        #expect(RetryAfter.seconds(from: "soon") == nil)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(RetryAfter.seconds(from: "Tue, 14 Nov 2023 22:13:40 GMT", now: now) == 20)
        #expect(RetryAfter.seconds(from: "Tue, 14 Nov 2023 22:13:00 GMT", now: now) == 0)
    }
}
