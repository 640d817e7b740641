extension JSONOutput {
    /// A parsed request value written back as sent (object keys sorted, whole numbers as integers),
    /// for members that an answer echoes, such as a source connection's `params`.
    init(_ value: JSONValue) {
        switch value {
        case .object(let members):
            self = .object(members.sorted { $0.key < $1.key }.map { ($0.key, JSONOutput($0.value)) })
        case .array(let elements): self = .array(elements.map(JSONOutput.init))
        case .string(let text): self = .string(text)
        case .number(let number):
            if let whole = Int64(exactly: number) {
                self = .integer(whole)
            } else {
                self = .number(number)
            }
        case .bool(let flag): self = .bool(flag)
        case .null: self = .null
        }
    }
}

extension JSONOutput {
    /// The member `name` of an object.
    func member(_ name: String) -> JSONOutput? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == name }?.1
    }

    /// The text of a string.
    var text: String? {
        if case .string(let text) = self { text } else { nil }
    }
}
