extension MockConfiguration: CustomStringConvertible, CustomDebugStringConvertible {
    /// The settings, the client secret and the static token written `***`: whatever logs a
    /// configuration (or a value holding one) never shows them.
    public var description: String {
        var fields = [
            "host: \(self.host)", "port: \(self.port)", "clientID: \(self.clientID)", "clientSecret: ***",
            "orgID: \(self.orgID)", "staticToken: \(self.staticToken == nil ? "none" : "***")",
            "sandboxes: \(self.sandboxes.joined(separator: ","))",
            "tokenLifetime: \(MockDuration.format(self.tokenLifetime))",
        ]
        if let name = self.oauthSpecName {
            fields.append("oauthSpecName: \(name)")
        }
        return "MockConfiguration(" + fields.joined(separator: ", ") + ")"
    }

    public var debugDescription: String {
        self.description
    }
}

extension MockService: CustomStringConvertible {
    /// `MockService(HOST:PORT)`: the name swift-service-lifecycle logs, without the configuration's
    /// secrets (its default would print every stored property).
    public var description: String {
        "MockService(\(self.configuration.host):\(self.configuration.port))"
    }
}
