import FlowBatchModel
import Foundation

/// A flow's latest run, as `GET /runs?property=flowId==ID` shows it.
public struct FlowRunInfo: Sendable, Equatable {
    public var id: String
    /// The run's status as the service words it: `metrics.statusSummary.status` (`success`,
    /// `failed`, `inProgress`, ...), else its `state`; `unknown` when it gives neither.
    public var status: String
    /// Creation time, epoch milliseconds, when given.
    public var createdAt: Int?
    /// The first error message the run reports, if any.
    public var errorMessage: String?

    public init(id: String, status: String, createdAt: Int? = nil, errorMessage: String? = nil) {
        self.id = id
        self.status = status
        self.createdAt = createdAt
        self.errorMessage = errorMessage
    }
}

/// What explore showed of a source: how many records its preview held.
public struct ExplorePreview: Sendable, Equatable {
    /// The records in the answer's `data` (0 when it has none).
    public var records: Int

    public init(records: Int) {
        self.records = records
    }
}

extension FlowServiceClient {
    // MARK: - Flow specs

    /// `GET /flowSpecs?property=name==NAME`: the flow spec of that name, `nil` when the service lists
    /// none (a service that ignores the filter is narrowed here).
    public func flowSpec(named name: String, sandbox: String) async throws(RunError) -> FlowSpecInfo? {
        let target = Self.target(path: "/flowSpecs", query: [("property", "name==\(name)")])
        let list = try await get(target, sandbox: sandbox, as: FlowSpecList.self, what: "flow spec listing")
        return (list.items ?? []).lazy.compactMap(\.info).first { $0.name == name }
    }

    /// `GET /flowSpecs/{id}`: the flow spec, `nil` when the Flow Service says it does not exist.
    public func flowSpec(id: String, sandbox: String) async throws(RunError) -> FlowSpecInfo? {
        let list: FlowSpecList
        do {
            list = try await get(
                "/flowSpecs/\(QueryEncoding.encode(id))",
                sandbox: sandbox,
                as: FlowSpecList.self,
                what: "flow spec"
            )
        } catch  where Self.isNotFound(error) {
            return nil
        }
        guard let info = (list.items ?? []).lazy.compactMap(\.info).first(where: { $0.id == id }) else {
            throw Self.unreadable("the flow spec answer holds no flow spec with the ID \(id)")
        }
        return info
    }

    // MARK: - Catalog and Data Prep

    /// Catalog's `GET /data/foundation/catalog/dataSets/{id}` (answered `{ID: dataset}`): the dataset,
    /// `nil` when Catalog says it does not exist. A dataset without `schemaRef.id` has an empty
    /// ``DatasetInfo/schemaID``: the caller says what that means.
    public func dataset(id: String, sandbox: String) async throws(RunError) -> DatasetInfo? {
        let byID: [String: DatasetBody]
        do {
            byID = try await get(
                "/catalog/dataSets/\(QueryEncoding.encode(id))",
                root: platformRoot,
                sandbox: sandbox,
                as: [String: DatasetBody].self,
                what: "dataset"
            )
        } catch  where Self.isNotFound(error) {
            return nil
        }
        guard let body = byID[id] ?? (byID.count == 1 ? byID.first?.value : nil) else {
            throw Self.unreadable("the dataset answer holds no dataset with the ID \(id)")
        }
        return DatasetInfo(
            id: id,
            name: body.name,
            schemaID: body.schemaRef?.id ?? "",
            schemaVersion: body.schemaRef?.contentType
        )
    }

    /// Data Prep's `GET /data/foundation/conversion/mappingSets/{id}`: the mapping set and its
    /// version, `nil` when Data Prep says it does not exist.
    public func mappingSet(id: String, sandbox: String) async throws(RunError) -> MappingSetInfo? {
        let body: MappingSetBody
        do {
            body = try await get(
                "/conversion/mappingSets/\(QueryEncoding.encode(id))",
                root: platformRoot,
                sandbox: sandbox,
                as: MappingSetBody.self,
                what: "mapping set"
            )
        } catch  where Self.isNotFound(error) {
            return nil
        }
        return MappingSetInfo(id: body.id ?? id, version: body.version?.number ?? 0)
    }

    /// Where Catalog and Data Prep are: the endpoint without its last segment
    /// (`https://platform.adobe.io/data/foundation/flowservice` → `.../data/foundation`), as the
    /// gateway mounts them beside the Flow Service; for an endpoint that does not end in
    /// `/flowservice`, its scheme, host and port with `/data/foundation`.
    var platformRoot: String { Self.platformRoot(endpoint: settings.endpoint) }

    /// ``platformRoot`` of `endpoint`.
    static func platformRoot(endpoint: String) -> String {
        var endpoint = endpoint
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        if endpoint.lowercased().hasSuffix("/flowservice") {
            return String(endpoint.dropLast("/flowservice".count))
        }
        guard let components = URLComponents(string: endpoint), let scheme = components.scheme,
            let host = components.percentEncodedHost
        else { return endpoint }
        return "\(scheme)://\(host)\(components.port.map { ":\($0)" } ?? "")/data/foundation"
    }

    // MARK: - Runs and explore

    /// `GET /runs?property=flowId==ID`, every page: the run created last, `nil` when the flow has none yet.
    public func latestRun(flowID: String, sandbox: String) async throws(RunError) -> FlowRunInfo? {
        var next: String? = Self.target(
            path: "/runs",
            query: [("property", "flowId==\(flowID)"), ("limit", "\(Self.defaultPage)")]
        )
        var latest: FlowRunInfo?
        var pages = 0
        while let target = next, pages < 1_000 {
            if pages > 0, let pace, !(await pace()) { throw RunError(.stopped, "the run was stopped") }
            let page = try await get(target, sandbox: sandbox, as: RunList.self, what: "run listing")
            for run in (page.items ?? []).compactMap(\.info) where (run.createdAt ?? 0) >= (latest?.createdAt ?? 0) {
                latest = run
            }
            pages += 1
            next = nil
            if let href = page._links?.next?.href {
                guard let following = Self.target(following: href, endpoint: settings.endpoint) else {
                    throw Self.unreadable("the run listing's next page points away from --endpoint")
                }
                next = following
            }
        }
        // The service's words, which may echo what a run read: masked like every other answer.
        if let message = latest?.errorMessage { latest?.errorMessage = redactor.clean(message) }
        return latest
    }

    /// `GET /connections/{id}/explore?objectType=rest&object=json&fileType=json&preview=true&sourceParams=B64`,
    /// `sourceParams` the base64 of the `params` JSON object: what the source answers now. A source
    /// the service cannot read is refused (a ``RunError`` with the service's message).
    public func explore(
        connectionID: String,
        sourceParams: [UInt8],
        sandbox: String
    ) async throws(RunError) -> ExplorePreview {
        let target = Self.target(
            path: "/connections/\(QueryEncoding.encode(connectionID))/explore",
            query: [
                ("objectType", "rest"), ("object", "json"), ("fileType", "json"), ("preview", "true"),
                ("sourceParams", Data(sourceParams).base64EncodedString()),
            ]
        )
        let answer = try await get(target, sandbox: sandbox, as: ExploreBody.self, what: "explore")
        return ExplorePreview(records: answer.data?.count ?? 0)
    }

    /// A refusal that says the resource is not there: a 404 with an API error body (a 404 without
    /// one is a path the gateway does not know, which says nothing about the resource).
    static func isNotFound(_ error: RunError) -> Bool {
        error.httpStatus == 404 && error.code == .serviceRefused
    }
}

private struct FlowSpecList: Decodable {
    struct Item: Decodable {
        var id: String?
        var name: String?
        var version: String?
        var sourceConnectionSpecIds: [String]?
        var targetConnectionSpecIds: [String]?

        var info: FlowSpecInfo? {
            guard let id, let name else { return nil }
            return FlowSpecInfo(
                id: id,
                name: name,
                version: version ?? "1.0",
                sourceConnectionSpecIDs: sourceConnectionSpecIds ?? [],
                targetConnectionSpecIDs: targetConnectionSpecIds ?? []
            )
        }
    }
    var items: [Item]?
}

private struct DatasetBody: Decodable {
    struct SchemaRef: Decodable {
        var id: String?
        var contentType: String?
    }
    var name: String?
    var schemaRef: SchemaRef?
}

private struct MappingSetBody: Decodable {
    /// Data Prep answers the version as a number; text holding one is read too.
    struct Version: Decodable {
        var number: Int?
        init(from decoder: any Decoder) throws {
            let value = try decoder.singleValueContainer()
            number = (try? value.decode(Int.self)) ?? (try? value.decode(String.self)).flatMap { Int($0) }
        }
    }
    var id: String?
    var version: Version?
}

private struct RunList: Decodable {
    struct Item: Decodable {
        struct Metrics: Decodable {
            struct StatusSummary: Decodable {
                struct Extensions: Decodable { var errors: [RunErrorBody]? }
                var status: String?
                var errors: [RunErrorBody]?
                var extensions: Extensions?
            }
            var statusSummary: StatusSummary?
        }
        var id: String?
        var createdAt: Int?
        var state: String?
        var metrics: Metrics?
        var errors: [RunErrorBody]?

        var info: FlowRunInfo? {
            guard let id else { return nil }
            let summary = metrics?.statusSummary
            let errors = (summary?.errors ?? []) + (summary?.extensions?.errors ?? []) + (errors ?? [])
            return FlowRunInfo(
                id: id,
                status: summary?.status ?? state ?? "unknown",
                createdAt: createdAt,
                errorMessage: errors.lazy.compactMap { $0.message ?? $0.code }.first
            )
        }
    }
    struct RunErrorBody: Decodable {
        var code: String?
        var message: String?
    }
    struct Links: Decodable {
        struct Link: Decodable { var href: String? }
        var next: Link?
    }
    var items: [Item]?
    var _links: Links?
}

private struct ExploreBody: Decodable {
    /// Only how many records: their content is the source's.
    struct Record: Decodable {
        init(from decoder: any Decoder) throws {}
    }
    var data: [Record]?
}
