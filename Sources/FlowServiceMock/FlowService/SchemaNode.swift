/// A small JSON Schema (draft-07 subset: `type` object or string, `properties`, `required`, `enum`,
/// `description`) that the mock both writes into a spec and checks values against, so the spec a
/// client reads and the check a create meets cannot drift apart. Properties it does not list are
/// allowed, as JSON Schema allows them by default.
struct SchemaNode: Sendable {
    enum ValueType: String, Sendable {
        case object
        case string
    }

    var type: ValueType
    var description: String?
    var enumValues: [String]?
    var properties: [(String, SchemaNode)] = []
    var required: [String] = []

    var json: JSONOutput {
        var members: [(String, JSONOutput)] = [("type", .string(self.type.rawValue))]
        if let description {
            members.append(("description", .string(description)))
        }
        if let enumValues {
            members.append(("enum", .array(enumValues.map(JSONOutput.string))))
        }
        if self.type == .object {
            members.append(("properties", .object(self.properties.map { ($0.0, $0.1.json) })))
            members.append(("required", .array(self.required.map(JSONOutput.string))))
        }
        return .object(members)
    }

    /// What is wrong with `value` at `path` (e.g. `params`), each a short sentence part; empty when it conforms.
    func errors(_ value: JSONValue?, path: String) -> [String] {
        switch (self.type, value) {
        case (.object, .object(let members)):
            var errors: [String] = []
            for name in self.required where members[name] == nil || members[name] == .null {
                errors.append("\(path).\(name) is required")
            }
            for (name, node) in self.properties {
                if let member = members[name], member != .null {
                    errors += node.errors(member, path: "\(path).\(name)")
                }
            }
            return errors
        case (.string, .string(let text)):
            if let enumValues, !enumValues.contains(text) {
                return ["\(path) must be one of " + enumValues.joined(separator: ", ")]
            }
            return []
        default:
            return ["\(path) must be \(self.type == .object ? "an object" : "a string")"]
        }
    }
}
