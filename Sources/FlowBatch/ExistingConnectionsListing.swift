import FlowBatchEngine
import FlowBatchModel
import FlowServiceAPI
import Logging

/// Lists the generic REST connections of a sandbox, page by page or, for the names of a small file in
/// a big sandbox, by look-ups (``ListingStrategy``): each request retried on transient failures with
/// backoff on the run's clock (the client paces each by the run's rate limit), ending early when the
/// run is stopped. `flowbatch run`, `--dry-run` and `export` list this way.
struct ExistingConnectionsListing<C: Clock>: Sendable where C.Duration == Duration {
    let client: FlowServiceClient
    /// The session's retrier for reads (``RequestPolicy/read``: its pause gate, outage
    /// breaker and stop); the client paces each page.
    let retrier: Retrier<C>
    let logger: Logger
    /// Where a sandbox the service refuses for every row is recorded (its rows then fail without a request).
    var refusals = SandboxRefusals()
    /// Hears the sandbox being listed and how many connections it has shown so far.
    var onProgress: @Sendable (_ sandbox: String, _ listed: Int) -> Void = { _, _ in }
    /// Name look-ups sent at once (the run's `--concurrency`, or 1 under `--rate`, where requests, not
    /// round trips, set the time): batches of names are independent, where pages follow each other.
    var inFlight = 1
    /// Whether the connections' public auth params are decoded (`export` writes them; a run, which
    /// holds every listed connection for its whole length, needs none).
    var keepsParams = false
    /// By sandbox, the only names whose connections are kept, each with its ID and `createdAt` alone:
    /// the end-of-run look-up of the names a run created, which would otherwise hold every connection
    /// of the sandbox, with its etag and auth, for the moment it counts them.
    var onlyNamed: [String: Set<String>]?

    /// The connections of every sandbox in `sandboxes` that matter to the run: all of them, or, when
    /// a sandbox holds more than one page and `names` has the file's names for it, only those named
    /// so, whichever takes fewer requests (``ListingStrategy``). What it has so far when the run is
    /// stopped. A sandbox the service refuses is recorded in ``refusals`` after its one request, and
    /// the listing goes on with the next.
    func list(sandboxes: [String], names: [String: [String]]? = nil) async throws(RunError) -> ExistingConnections {
        var existing = ExistingConnections()
        // Pages of 1,000 until the service refuses them, then its own for the rest of the listing.
        var pageSize = FlowServiceClient.largestPage
        for sandbox in sandboxes {
            var listed: [String: FlowServiceClient.Listed] = [:]
            // Connections read so far (all of them kept, unless ``onlyNamed`` says otherwise).
            var seen = 0
            onProgress(sandbox, 0)
            func keep(_ page: [FlowServiceClient.Listed]) {
                seen += page.count
                // Held for the whole run, one per existing connection (decoded without the params
                // only export needs).
                if let wanted = onlyNamed {
                    for connection in page where wanted[sandbox]?.contains(connection.name) == true {
                        listed[connection.id] = .init(
                            id: connection.id,
                            name: connection.name,
                            createdAt: connection.createdAt
                        )
                    }
                } else {
                    for connection in page { listed[connection.id] = connection }
                }
                onProgress(sandbox, seen)
            }
            var rest: String?
            var complete = try await forEachPage(sandbox: sandbox, .everything, pageSize: &pageSize) { page in
                keep(page.items)
                guard names?[sandbox] != nil, let next = page.next else { return true }
                rest = next
                return false
            }
            if complete, let next = rest {
                var strategy = ListingStrategy.pages
                if let count = try await count(sandbox: sandbox) {
                    strategy = .choose(
                        count: count,
                        listed: seen,
                        pageSize: pageSize,
                        names: names?[sandbox],
                        inFlight: inFlight
                    )
                }
                switch strategy {
                case .pages:
                    complete = try await forEachPage(sandbox: sandbox, .next(next), pageSize: &pageSize) {
                        keep($0.items)
                        return true
                    }
                case .names(let batches):
                    logger.info(
                        "looking up \(batches.count) batches of names instead of listing every page",
                        metadata: ["sandbox": "\(sandbox)"]
                    )
                    complete = try await lookUp(batches, sandbox: sandbox, pageSize: pageSize) { keep($0) }
                }
            }
            guard complete else { continue }
            existing.add(Array(listed.values), sandbox: sandbox)
            logger.info("listed \(seen) generic REST connections", metadata: ["sandbox": "\(sandbox)"])
        }
        return existing
    }

    /// What `--if-exists create` asks instead of a listing, which it does not need: per sandbox, its
    /// newest generic REST connection (one small request), so that a sandbox the service refuses is
    /// recorded in ``refusals`` before any row is sent, as the listing would have. By sandbox, that
    /// connection's `createdAt` (``Int64/min`` for an empty sandbox): one created later was made after
    /// the run began. `nil` when the answer cannot say (the service would not order by `createdAt`, or
    /// gave none): the run then lists.
    func newest(sandboxes: [String]) async throws(RunError) -> [String: Int64]? {
        var newest: [String: Int64] = [:]
        for sandbox in sandboxes {
            onProgress(sandbox, 0)
            let fetched = try await fetch(sandbox: sandbox, what: "reading the newest connection of") {
                () async throws(RunError) in
                try await client.listingPage(
                    FlowServiceClient.newestGenericRESTConnection,
                    sandbox: sandbox,
                    params: false
                )
            }
            switch fetched {
            case .value(let page):
                let times = page.items.prefix(2).map { $0.createdAt.map(Int64.init) }
                guard let first = times.first else {
                    newest[sandbox] = .min
                    continue
                }
                // Two, newest first, is what `orderby=-createdAt&limit=2` must answer; anything else
                // shows a service that ignored the order.
                guard let createdAt = first, times.dropFirst().allSatisfy({ $0 != nil && $0! <= createdAt }) else {
                    logger.notice(
                        "the service's newest connection does not show when it was created; listing instead",
                        metadata: ["sandbox": "\(sandbox)"]
                    )
                    return nil
                }
                newest[sandbox] = createdAt
                logger.info(
                    "not listed (--if-exists create): connections created after \(createdAt) are this run's",
                    metadata: ["sandbox": "\(sandbox)"]
                )
            case .askedWrong: return nil
            case .ended: continue
            }
        }
        return newest
    }

    /// The end-of-run look-up of `names` in `sandbox`: each batch's connections go to `found` as its
    /// answer comes, ``inFlight`` batches at a time, and none is held after. `nil`, having sent nothing,
    /// when a name cannot be ORed in a filter (a comma); `false` when it ended early.
    func lookUpEach(
        _ names: [String],
        sandbox: String,
        found: ([FlowServiceClient.Listed]) -> Void
    ) async throws(RunError) -> Bool? {
        guard let batches = ListingStrategy.batches(of: names) else { return nil }
        // A batch's names fit the service's own page (at most one connection a name, but for duplicates).
        return try await lookUp(batches, sandbox: sandbox, pageSize: FlowServiceClient.defaultPage, found: found)
    }

    /// Looks up the connections named in `batches`, each batch one listing, ``inFlight`` at a time,
    /// handing each batch's to `found` as it comes (the progress line moves with them); `false` when
    /// one ended early (stopped, or the sandbox refused), after which no other batch starts.
    private func lookUp(
        _ batches: [[String]],
        sandbox: String,
        pageSize: Int,
        found: ([FlowServiceClient.Listed]) -> Void
    ) async throws(RunError) -> Bool {
        do {
            return try await withThrowingTaskGroup(of: ([FlowServiceClient.Listed], Bool).self) { group in
                var complete = true
                var next = batches.makeIterator()
                func startNext() -> Bool {
                    guard let batch = next.next() else { return false }
                    group.addTask {
                        var named: [FlowServiceClient.Listed] = []
                        var size = pageSize
                        let complete = try await forEachPage(sandbox: sandbox, .names(batch), pageSize: &size) {
                            named += $0.items
                            return true
                        }
                        return (named, complete)
                    }
                    return true
                }
                var started = 0
                while started < max(1, inFlight), startNext() { started += 1 }
                while let (named, done) = try await group.next() {
                    found(named)
                    complete = complete && done
                    if complete { _ = startNext() }
                }
                return complete
            }
        } catch let error as RunError {
            throw error
        } catch {
            // Only a cancelled task group throws anything else: the run is stopping.
            throw RunError(.stopped, "the run was stopped")
        }
    }

    /// Hands each page of `sandbox`'s generic REST connections to `body`, in order, once each.
    /// Returns `false` when the listing ended early: stopped, or the sandbox refused (recorded in
    /// ``refusals``). Throws a run error, or when a page keeps failing.
    func forEachPage(
        sandbox: String,
        _ body: ([FlowServiceClient.Listed]) throws(RunError) -> Void
    ) async throws(RunError) -> Bool {
        var pageSize = FlowServiceClient.largestPage
        return try await forEachPage(sandbox: sandbox, .everything, pageSize: &pageSize) { (page) throws(RunError) in
            try body(page.items)
            return true
        }
    }

    /// Where a listing starts.
    private enum Start {
        /// Every generic REST connection of the sandbox.
        case everything
        /// Those with one of these names.
        case names([String])
        /// A page's ``FlowServiceClient/Page/next``.
        case next(String)

        func target(pageSize: Int) -> String {
            switch self {
            case .everything: FlowServiceClient.firstGenericRESTPage(limit: pageSize)
            case .names(let names): FlowServiceClient.firstPage(names: names, limit: pageSize)
            case .next(let target): target
            }
        }
    }

    /// Hands each page from `start` on to `body` until it returns `false` or the listing ends; returns
    /// `false` when it ended early (stopped, or the sandbox refused). A service that refuses a first
    /// page of `pageSize` is asked again with its own page size, which `pageSize` then keeps.
    private func forEachPage(
        sandbox: String,
        _ start: Start,
        pageSize: inout Int,
        _ body: (FlowServiceClient.Page) throws(RunError) -> Bool
    ) async throws(RunError) -> Bool {
        var target: String? = start.target(pageSize: pageSize)
        var mayAskSmaller: Bool
        if case .next = start {
            mayAskSmaller = false
        } else {
            mayAskSmaller = pageSize > FlowServiceClient.defaultPage
        }
        while let page = target {
            let fetched = try await fetch(sandbox: sandbox, what: "listing the connections of") {
                () async throws(RunError) in
                try await client.listingPage(page, sandbox: sandbox, params: keepsParams)
            }
            switch fetched {
            case .value(let listed):
                mayAskSmaller = false
                guard try body(listed) else { return true }
                target = listed.next
            case .askedWrong(let refused) where mayAskSmaller:
                logger.warning(
                    "the service refused pages of \(pageSize); asking for its own page size",
                    metadata: ["sandbox": "\(sandbox)", "error": "\(refused.message)"]
                )
                mayAskSmaller = false
                pageSize = FlowServiceClient.defaultPage
                target = start.target(pageSize: pageSize)
            case .askedWrong(let refused):
                throw RunError(
                    .lookupFailed,
                    "listing the connections of sandbox '\(sandbox)' failed: \(refused.message)",
                    serviceCode: refused.resultCode,
                    requestID: refused.requestID
                )
            case .ended:
                return false
            }
        }
        return true
    }

    /// How many generic REST connections `sandbox` holds (`count=true`, one request); `nil` when the
    /// service would not say, and then the listing goes on page by page.
    private func count(sandbox: String) async throws(RunError) -> Int? {
        let fetched = try await fetch(sandbox: sandbox, what: "counting the connections of") {
            () async throws(RunError) in
            try await client.countGenericRESTConnections(sandbox: sandbox)
        }
        switch fetched {
        case .value(let count): return count
        case .askedWrong, .ended: return nil
        }
    }

    /// One request of the listing through the run's retrier: its value; `askedWrong` when the service
    /// refused what was asked (asking again will not help); `ended` when the run stopped or the sandbox
    /// was refused (recorded in ``refusals``). Throws a run error, or when the request keeps failing.
    private func fetch<Value: Sendable>(
        sandbox: String,
        what: String,
        _ request: () async throws(RunError) -> Value
    ) async throws(RunError) -> Fetched<Value> {
        // Stopped (Ctrl-C, or a run error): no further request; the pass records every row not-run.
        if retrier.stop.isStopping { return .ended }
        let end = try await retrier.run { (_) async throws(RunError) -> TryVerdict<Fetched<Value>> in
            if let pace = client.pace, !(await pace()) { return .done(.ended) }
            do throws(RunError) {
                return .done(.value(try await request()))
            } catch  where error.code == .malformedResponse {
                return .again(RetryReason(RunError(.malformedResponse, error.message)))
            } catch {
                switch try AnswerClassifier.classify(error, sandbox: sandbox) {
                case .runError(let error): throw error
                case .sandboxError(let scoped):
                    refusals.refuse(sandbox, scoped)
                    // The refusal reaches the person once, in the rows' results and the summary, not in the log too.
                    logger.info("sandbox refused: \(scoped.message)", metadata: ["sandbox": "\(sandbox)"])
                    return .done(.ended)
                case .transient(let reason, _): return .again(reason)
                case .rowError(let refused): return .done(.askedWrong(refused))
                }
            }
        }
        switch end {
        case .done(let fetched): return fetched
        case .stopped: return .ended
        case .gaveUp(let reason):
            throw RunError(
                .lookupFailed,
                "\(what) sandbox '\(sandbox)' kept failing (\(reason.failure.message)); run again later",
                serviceCode: reason.failure.resultCode,
                requestID: reason.failure.requestID
            )
        }
    }

    private enum Fetched<Value: Sendable>: Sendable {
        case value(Value)
        case askedWrong(RunError)
        case ended
    }
}
