import FlowServiceAPI

/// How a run learns which of its names already exist in one sandbox, chosen once the first page of
/// the sandbox's listing has shown that there is more than one page: by which takes fewer round trips,
/// one after the other.
///
/// Listing the whole sandbox costs one request per page, each waiting for the one before (a page's
/// link leads to the next); looking the file's names up costs one request per batch of names ORed in
/// one `property` filter (a comma inside one value means OR, so a name that itself holds a comma, or an
/// empty one, cannot be asked for this way), and the batches go out `inFlight` at a time. A sandbox's
/// size comes from `count=true` in one request. Look-ups are chosen when they take fewer round trips
/// than the pages left and cannot decode more connections than the sandbox holds (only those named so).
/// For 9,000 connections in pages of 1,000 and a file of 20 names that is 1 + 1 + 1 requests against 9;
/// for 2,000 names at 64 in flight, 20 look-ups in one round trip against 8 pages; for 20,000 names into
/// 60,000, 4 rounds of look-ups against 59 pages; into a sandbox of just those 20,000 (the end-of-run
/// look-up of a run into an empty one), 4 rounds against 19 pages.
enum ListingStrategy: Equatable {
    /// Go on reading pages.
    case pages
    /// Ask for these batches of names, one listing each.
    case names([[String]])

    /// At most this many bytes of percent-encoded names in one request's filter, so the request line
    /// stays well below the 8 KiB that gateways and proxies commonly accept.
    static let filterBudget = 2_000

    /// The cheaper way on, after the first page, of `listed` connections, and `count` in the sandbox:
    /// `names` (the file's names in the sandbox, `nil` when the run did not keep them) in batches sent
    /// `inFlight` at a time, or the remaining pages of `pageSize`, one after the other.
    static func choose(count: Int, listed: Int, pageSize: Int, names: [String]?, inFlight: Int = 1) -> ListingStrategy {
        guard let names, !names.isEmpty, let batches = batches(of: names) else { return .pages }
        let remaining = max(0, count - listed)
        let pages = (remaining + pageSize - 1) / pageSize
        let lookUpRounds = (batches.count + max(1, inFlight) - 1) / max(1, inFlight)
        // Look-ups cost a request per batch of about 100 names where a page holds 1,000 connections, but
        // a request costs far less CPU than decoding the connections: they win when they take fewer round
        // trips and cannot decode more connections (at most one per name) than the sandbox holds.
        return lookUpRounds < pages && names.count <= count ? .names(batches) : .pages
    }

    /// `names` in batches whose filters fit ``filterBudget``; `nil` when a name cannot be ORed.
    static func batches(of names: [String]) -> [[String]]? {
        var batches: [[String]] = []
        var batch: [String] = []
        var used = 0
        for name in names {
            guard FlowServiceClient.canFilter(name: name) else { return nil }
            let cost = FlowServiceClient.encodedLength(ofNameFilter: name)
            if !batch.isEmpty, used + cost > filterBudget {
                batches.append(batch)
                batch = []
                used = 0
            }
            batch.append(name)
            used += cost
        }
        if !batch.isEmpty { batches.append(batch) }
        return batches
    }
}
