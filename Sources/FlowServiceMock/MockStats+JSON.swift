extension MockStats {
    /// The body of `GET /__mock/stats`, keys sorted.
    var json: JSONOutput {
        .object([
            ("connections", .integer(Int64(self.connections))),
            ("duplicateNames", .array(self.duplicateNames.map(JSONOutput.string))),
            ("flows", .integer(Int64(self.flows))),
            (
                "requests",
                .object(
                    self.requests.sorted { $0.key < $1.key }.map { route, statuses in
                        (
                            route,
                            .object(statuses.sorted { $0.key < $1.key }.map { ($0.key, .integer(Int64($0.value))) })
                        )
                    }
                )
            ),
            ("sourceConnections", .integer(Int64(self.sourceConnections))),
            ("targetConnections", .integer(Int64(self.targetConnections))),
        ])
    }
}
