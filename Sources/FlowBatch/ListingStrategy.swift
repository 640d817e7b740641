import FlowServiceAPI

/// How a run learns which of its names already exist in one sandbox, chosen by what costs fewer
/// requests once the first page of the sandbox's listing has shown that there is more than one page.
///
/// Listing the whole sandbox costs one request per page; looking the file's names up costs one
/// request per batch of names ORed in one `property` filter (a comma inside one value means OR, so
/// a name that itself holds a comma, or an empty one, cannot be asked for this way). A sandbox's size
/// comes from `count=true` in one request. For 9,000 connections in pages of 1,000 and a file of 20
/// names that is 1 + 1 + 1 requests against 9; for 2,000 names, paging wins.
enum ListingStrategy: Equatable {
    /// Go on reading pages.
    case pages
    /// Ask for these batches of names, one listing each.
    case names([[String]])

    /// At most this many bytes of percent-encoded names in one request's filter, so the request line
    /// stays well below the 8 KiB that gateways and proxies commonly accept.
    static let filterBudget = 2_000

    /// The cheaper way on, after the first page, of `listed` connections, and `count` in the sandbox:
    /// `names` (the file's names in the sandbox, `nil` when the run did not keep them) in batches, or
    /// the remaining pages of `pageSize`.
    static func choose(count: Int, listed: Int, pageSize: Int, names: [String]?) -> ListingStrategy {
        guard let names, !names.isEmpty, let batches = batches(of: names) else { return .pages }
        let remaining = max(0, count - listed)
        let pages = (remaining + pageSize - 1) / pageSize
        return batches.count < pages ? .names(batches) : .pages
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
