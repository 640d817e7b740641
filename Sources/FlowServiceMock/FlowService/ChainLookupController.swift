import Foundation
import Hummingbird

/// The read-only endpoints of the dataflow chain: flow specs, runs, explore of a base connection,
/// Catalog datasets and Data Prep mapping sets (the gateway has admitted the request already).
struct ChainLookupController: Sendable {
    let state: MockState

    /// `GET /flowSpecs` with `property` filters (`name==RestStorageToAEP`): `{"items": [...]}`. Flow
    /// specs belong to no sandbox, as connection specs, so `x-sandbox-name` is not checked.
    func flowSpecs(_ request: Request) throws -> Response {
        let fields = URLFormFields(request.uri.query ?? "")
        let filter = try PropertyFilter(properties: fields.all("property"), fields: FlowSpecCatalog.filterFields)
        let items = filter.matches(FlowSpecCatalog.filterValues) ? [FlowSpecCatalog.item] : []
        return JSONAnswer.response(.ok, .object([("items", .array(items))]))
    }

    /// `GET /flowSpecs/{id}`: `{"items": [spec]}`, or `FLOW-1101-404`.
    func flowSpec(id: String) throws(FlowServiceProblem) -> Response {
        guard id.lowercased() == FlowSpecCatalog.restStorageToAEPID else { throw .notFound }
        return JSONAnswer.response(.ok, .object([("items", .array([FlowSpecCatalog.item]))]))
    }

    /// `GET /runs` with `property` filters (`flowId==ID`), paging and `count`, as other listings.
    func runs(_ request: Request) throws -> Response {
        let sandbox = try self.state.sandbox(of: request, access: .view)
        let query = try ConnectionListQuery(
            query: request.uri.query,
            sandbox: sandbox,
            kind: "runs",
            filterFields: FlowRun.filterFields,
            largestPage: self.state.faults.faults.largestPage
        )
        let runs = self.state.runs(sandbox: sandbox).filter { query.filter.matches($0.filterValues) }
        let sandboxID = self.state.sandboxIDs[sandbox] ?? ""
        let orgID = self.state.configuration.orgID
        return JSONAnswer.response(
            .ok,
            query.answer(runs, kind: "runs", sandbox: sandbox, key: \.cursor) {
                $0.item(sandboxID: sandboxID, orgID: orgID)
            }
        )
    }

    /// `GET /connections/{id}/explore?objectType=rest&object=json&fileType=json&preview=true&sourceParams=B64`:
    /// a preview of the source's records in the shape of Adobe's Sources SDK explore `responseSpec`,
    /// `{"format": "flat", "schema": {"columns": [...]}, "data": [...]}` (the records are invented).
    /// Errors: no such connection `FLOW-1101-404`; `objectType` or `sourceParams` missing
    /// `FLOW-2119-400`; an `objectType` other than `rest`, or `sourceParams` that are not base64 of a
    /// JSON object, `FLOW-1453-400`; params that break the `sourceSpec` `MOCK-4011-400`; a host in
    /// `.invalid` `MOCK-4014-400`.
    func explore(_ request: Request, id: String) throws -> Response {
        let sandbox = try self.state.sandbox(of: request, access: .view)
        guard let connection = self.state.store.connection(id: id, sandbox: sandbox) else {
            throw FlowServiceProblem.notFound
        }
        let fields = URLFormFields(request.uri.query ?? "")
        guard let objectType = fields["objectType"] else {
            throw FlowServiceProblem.queryParameterMissing("objectType")
        }
        guard objectType.lowercased() == "rest" else {
            throw FlowServiceProblem.invalidQueryValue(
                "objectType",
                objectType,
                "The generic REST source is explored with objectType=rest."
            )
        }
        guard let encoded = fields["sourceParams"] else {
            throw FlowServiceProblem.queryParameterMissing("sourceParams")
        }
        guard let data = Base64Text.decode(encoded), case .object(let members)? = try? JSONValue.parse(data) else {
            throw FlowServiceProblem.invalidQueryValue(
                "sourceParams",
                encoded,
                "The sourceParams parameter must be the base64 of a JSON object of source params."
            )
        }
        try SourceConnectionRequest.checkParams(.object(members))
        let host = URLComponents(string: connection.visibleParams["host"] ?? "")?.host ?? ""
        if CreateConnectionRequest.isReservedInvalid(connection.visibleParams["host"] ?? "") {
            throw FlowServiceProblem.sourceUnreachable(host)
        }
        let path: String
        if case .object(let url)? = members["urlParams"], let text = url["path"]?.stringValue {
            path = text
        } else {
            path = ""
        }
        let records: [JSONOutput] = (1...2).map { number in
            .object([("id", .integer(Int64(number))), ("name", .string("record \(number)")), ("path", .string(path))])
        }
        return JSONAnswer.response(
            .ok,
            .object([
                ("format", "flat"),
                (
                    "schema",
                    .object([
                        (
                            "columns",
                            .array([
                                .object([("name", "id"), ("type", "integer")]),
                                .object([("name", "name"), ("type", "string")]),
                                .object([("name", "path"), ("type", "string")]),
                            ])
                        )
                    ])
                ),
                ("data", .array(records)),
            ])
        )
    }

    /// Catalog's `GET /data/foundation/catalog/dataSets/{id}`: `{ID: {name, schemaRef, ...}}`, as
    /// Catalog answers a dataset (keyed by its ID); `MOCK-4040-404` for one the mock does not serve.
    /// Datasets are configured for the whole org, so `x-sandbox-name` is not checked.
    func dataset(id: String) throws(FlowServiceProblem) -> Response {
        guard let dataset = self.state.configuration.datasets.first(where: { $0.id == id }) else {
            throw .datasetNotFound(id)
        }
        let created = self.state.startedAtEpochMilliseconds
        let body: JSONOutput = .object([
            (
                dataset.id,
                .object([
                    ("name", .string(dataset.name)),
                    ("imsOrg", .string(self.state.configuration.orgID)),
                    ("created", .integer(created)),
                    ("updated", .integer(created)),
                    ("version", "1.0.0"),
                    (
                        "schemaRef",
                        .object([
                            ("id", .string(dataset.schemaID)),
                            ("contentType", .string(TargetConnectionRequest.xdmVersion)),
                        ])
                    ),
                ])
            )
        ])
        return JSONAnswer.response(.ok, body)
    }

    /// Data Prep's `GET /data/foundation/conversion/mappingSets/{id}`: `{id, version, ...}` as Data
    /// Prep answers a mapping set; `MOCK-4041-404` for one the mock does not serve.
    func mappingSet(id: String) throws(FlowServiceProblem) -> Response {
        guard let mappingSet = self.state.configuration.mappingSets.first(where: { $0.id == id }) else {
            throw .mappingSetNotFound(id)
        }
        let created = self.state.startedAtEpochMilliseconds
        let body: JSONOutput = .object([
            ("id", .string(mappingSet.id)),
            ("version", .integer(Int64(mappingSet.version))),
            ("createdDate", .integer(created)),
            ("modifiedDate", .integer(created)),
            ("createdBy", .string(self.state.configuration.clientID)),
            ("mappings", .array([])),
        ])
        return JSONAnswer.response(.ok, body)
    }
}
