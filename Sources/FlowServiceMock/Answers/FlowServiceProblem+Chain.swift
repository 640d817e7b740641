import Hummingbird

/// The problems of the dataflow chain (source and target connections, flows, runs, explore, and the
/// Catalog and Data Prep look-ups); the table on ``FlowServiceProblem`` says where each is documented.
extension FlowServiceProblem {
    private static func chainRequest(_ code: String, _ message: String) -> FlowServiceProblem {
        FlowServiceProblem(code: code, status: .badRequest, title: "Invalid request", message: message)
    }

    /// Adobe's 1418: a base connection that is used cannot be deleted.
    static func baseConnectionInUse(_ id: String) -> FlowServiceProblem {
        chainRequest(
            "FLOW-1418",
            "The base connection with the ID \(id) cannot be deleted because the base connection is being used in "
                + "one or more flows. Please ensure that corresponding flows are deleted before deleting a base connection."
        )
    }

    /// Adobe's 1447, "Found active flows containing id": a source or target connection a flow uses.
    static func usedByFlows(_ id: String) -> FlowServiceProblem {
        chainRequest("FLOW-1447", "Found active flows containing id \(id).")
    }

    /// Adobe's 1410: `state` is not allowed in a create flow request.
    static let stateInCreateFlow = chainRequest("FLOW-1410", "`State` is not allowed in the create flow request.")

    /// Adobe's 1412: a flow's mapping transformation names a version the mapping set does not have.
    static func invalidMappingVersion(_ version: String, mappingID: String) -> FlowServiceProblem {
        chainRequest(
            "FLOW-1412",
            "Invalid Mapping Version in request. Please provide correct mapping version. "
                + "Mapping set \(mappingID) has no version '\(version)'."
        )
    }

    /// Adobe's 2119, a required query parameter missing (explore's `objectType`, `sourceParams`).
    static func queryParameterMissing(_ name: String) -> FlowServiceProblem {
        chainRequest(
            "FLOW-2119",
            "The request context does not contain the required query parameter \(name). "
                + "Please provide the missing query parameter and try again."
        )
    }

    /// Invented: an ID in a create body names no resource of that kind in the sandbox.
    static func unknownReference(_ field: String, _ id: String) -> FlowServiceProblem {
        chainRequest("MOCK-4010", "The '\(field)' value '\(id)' names no existing resource in this sandbox.")
    }

    /// Invented: source params that break the connection spec's (invented) `sourceSpec`.
    static func invalidSourceParams(_ errors: [String]) -> FlowServiceProblem {
        chainRequest(
            "MOCK-4011",
            "The source params do not match the connection spec's sourceSpec: " + errors.joined(separator: "; ") + "."
        )
    }

    /// Invented: `scheduleParams` that break the rules of the flow's schedule spec.
    static func invalidSchedule(_ detail: String) -> FlowServiceProblem {
        chainRequest("MOCK-4012", "The scheduleParams are invalid: \(detail)")
    }

    /// Invented: a target connection's `data.schema.id` is not the schema of its dataset.
    static func schemaNotDataset(_ schema: String, dataset: String, expected: String) -> FlowServiceProblem {
        chainRequest(
            "MOCK-4013",
            "The schema '\(schema)' is not the schema of dataset \(dataset) ('\(expected)'); "
                + "read it from the dataset's schemaRef."
        )
    }

    /// Invented: explore could not read the source (its host is in the reserved `.invalid` domain).
    static func sourceUnreachable(_ host: String) -> FlowServiceProblem {
        chainRequest("MOCK-4014", "The source could not be read: the host '\(host)' answered with errors.")
    }

    /// Invented (Adobe's Catalog 404 body is not on the pages the mock follows): no such dataset.
    static func datasetNotFound(_ id: String) -> FlowServiceProblem {
        FlowServiceProblem(
            code: "MOCK-4040",
            status: .notFound,
            title: "Not Found",
            message: "No dataset with the ID \(id) exists."
        )
    }

    /// Invented (Adobe's Data Prep 404 body is not on the pages the mock follows): no such mapping set.
    static func mappingSetNotFound(_ id: String) -> FlowServiceProblem {
        FlowServiceProblem(
            code: "MOCK-4041",
            status: .notFound,
            title: "Not Found",
            message: "No mapping set with the ID \(id) exists."
        )
    }
}

extension FlowServiceProblem {
    /// Adobe's 1413 for a flow spec ID the service does not know.
    static func unknownFlowSpec(_ id: String) -> FlowServiceProblem {
        FlowServiceProblem(
            code: "FLOW-1413",
            status: .badRequest,
            title: "Invalid request",
            message: "The spec ID provided is invalid. Flow spec '\(id)' does not exist."
        )
    }

    /// Adobe's 1413 for a connection spec that exists but is not the one this kind takes.
    static func wrongConnectionSpec(_ id: String, expected: String, kind: String) -> FlowServiceProblem {
        FlowServiceProblem(
            code: "FLOW-1413",
            status: .badRequest,
            title: "Invalid request",
            message: "The spec ID provided is invalid. A \(kind) here takes connection spec \(expected), not '\(id)'."
        )
    }
}
