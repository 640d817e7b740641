import Foundation

extension SourceParamsSchema: Decodable {
    /// The leaf params of a JSON Schema object (the connection spec's `sourceSpec.spec`), by dotted
    /// path, sorted by path (the order JSON objects keep is not kept by the decoder, and a sorted
    /// list reads the same on every run).
    ///
    /// A leaf is a property of type `string`, `integer`, `number` or `boolean`; a property without a
    /// `type` is an object when it has `properties` and a string otherwise (a cell is text); a
    /// `type` list such as `["integer", "null"]` counts as its first type that is not `null`.
    /// Properties of type `array`, `null`, or `object` without `properties` are **skipped**: a
    /// spreadsheet cell cannot hold them, so flowbatch neither checks nor sends them (a service that
    /// requires one says so when the source connection is created).
    ///
    /// - Throws: `DecodingError` when the JSON is not an object shaped like a JSON Schema.
    public init(from decoder: any Decoder) throws {
        let root = try SchemaObject(from: decoder)
        var params: [SourceParam] = []
        Self.collect(root, prefix: [], levels: [], into: &params)
        self.init(params: params.sorted { $0.path < $1.path })
    }

    /// Parses the bytes of a JSON Schema object; see ``init(from:)``.
    public init(jsonSchema: [UInt8]) throws {
        self = try JSONDecoder().decode(SourceParamsSchema.self, from: Data(jsonSchema))
    }

    private static func collect(
        _ object: SchemaObject,
        prefix: [String],
        levels: [Bool],
        into params: inout [SourceParam]
    ) {
        let required = Set(object.required ?? [])
        for (name, node) in object.properties ?? [:] {
            let path = prefix + [name]
            let levels = levels + [required.contains(name)]
            switch node.valueType {
            case .object?:
                collect(node, prefix: path, levels: levels, into: &params)
            case .leaf(let type)?:
                params.append(
                    SourceParam(
                        path: path.joined(separator: "."),
                        type: type,
                        enumValues: node.enumValues?.map(\.text),
                        required: levels.allSatisfy { $0 },
                        description: node.description,
                        requiredAtEachLevel: levels
                    )
                )
            case nil:
                continue
            }
        }
    }
}

extension SourceParamsSchema {
    /// The param a column header names: the header and the param's path compared ignoring case,
    /// spaces, `_` and `-` (as input fields are, see ``Field``), dots kept, so `URL Params.Path`
    /// names `urlParams.path`.
    public func param(matchingHeader header: String) -> SourceParam? {
        let wanted = Field.normalize(header)
        return params.first { Field.normalize($0.path) == wanted }
    }

    /// The values of a row by param path, from its header and fields: the first column that names a
    /// param (``param(matchingHeader:)``) and holds a value gives it. Columns naming no param are left out.
    public func values(header: [String], fields: [String]) -> [String: String] {
        var values: [String: String] = [:]
        for (index, name) in header.enumerated() where index < fields.count {
            guard let param = param(matchingHeader: name), values[param.path, default: ""].isEmpty else { continue }
            values[param.path] = fields[index]
        }
        return values
    }

    /// What is wrong with a row's source params, one sentence each naming the column (the param's
    /// path): a required one that is empty, a value that is not of the param's type or not among its
    /// `enum`. `values` are by dotted path, as the spreadsheet's cells hold them; an empty string is
    /// a value not given. A param below an optional object is required only when something else
    /// below that object is given.
    public func problems(_ values: [String: String]) -> [String] {
        var problems: [String] = []
        for param in params {
            let value = values[param.path] ?? ""
            if value.isEmpty {
                if let because = requiredBecause(param, values) {
                    problems.append("\(param.path) is required by the connection spec's sourceSpec\(because)")
                }
                continue
            }
            if param.typed(value) == nil {
                problems.append("\(param.path) must be \(param.type.phrase) (got '\(Self.shown(value))')")
            } else if let allowed = param.enumValues, !allowed.contains(value) {
                problems.append(
                    "\(param.path) must be one of \(allowed.joined(separator: ", ")) (got '\(Self.shown(value))')"
                )
            }
        }
        return problems
    }

    /// Writes the `params` object of a source connection (or an explore's `sourceParams`): the given
    /// values nested by their paths, integers and numbers as JSON numbers, booleans as `true`/`false`;
    /// params not given, and objects with nothing given below them, are left out. A value that is
    /// not of its type (``problems(_:)`` says so first) is written as the text it is.
    package func writeParams(_ values: [String: String], into json: inout JSONWriter) {
        let given = params.filter { !(values[$0.path] ?? "").isEmpty }
        write(given.map { ($0.path.split(separator: ".").map(String.init), $0) }, values, into: &json)
    }

    /// The `params` object's bytes, as ``writeParams(_:into:)`` writes it.
    public func paramsJSON(_ values: [String: String]) -> [UInt8] {
        var json = JSONWriter()
        writeParams(values, into: &json)
        return json.bytes
    }

    /// Writes one object: `entries` are the params below it, by their remaining path components.
    private func write(_ entries: [([String], SourceParam)], _ values: [String: String], into json: inout JSONWriter) {
        json.beginObject()
        var written: Set<String> = []
        for (components, param) in entries where !written.contains(components[0]) {
            let name = components[0]
            written.insert(name)
            json.key(name)
            if components.count == 1 {
                param.write(values[param.path] ?? "", into: &json)
            } else {
                let below = entries.filter { $0.0[0] == name && $0.0.count > 1 }.map { (Array($0.0.dropFirst()), $0.1) }
                write(below, values, into: &json)
            }
        }
        json.endObject()
    }

    /// `nil` when `param` is not required for this row; else what to add to the sentence (empty when
    /// it is always required, ` once urlParams is given` when its optional object is).
    private func requiredBecause(_ param: SourceParam, _ values: [String: String]) -> String? {
        let components = param.path.split(separator: ".").map(String.init)
        let levels = param.requiredAtEachLevel
        guard levels.count == components.count, levels.last == true else { return nil }
        var reason = ""
        // The objects above the param, outermost first: each must be required or given.
        for depth in 1..<max(components.count, 1) where !levels[depth - 1] {
            let object = components[..<depth].joined(separator: ".")
            guard values.contains(where: { $0.key.hasPrefix(object + ".") && !$0.value.isEmpty }) else { return nil }
            reason = " once \(object) is given"
        }
        return reason
    }

    /// A value as a message shows it: at most 60 characters.
    private static func shown(_ value: String) -> String {
        value.count > 60 ? String(value.prefix(57)) + "..." : value
    }
}

extension SourceParam {
    /// The cell's value as its type reads it, `nil` when it cannot be: integers whole numbers,
    /// numbers finite, booleans `true`/`false`/`yes`/`no`/`1`/`0` in any case.
    func typed(_ value: String) -> Typed? {
        switch type {
        case .string: return .string(value)
        case .integer: return Int(value).map(Typed.integer)
        case .number:
            guard let number = Double(value), number.isFinite else { return nil }
            return .number(number)
        case .boolean:
            switch value.lowercased() {
            case "true", "yes", "1": return .boolean(true)
            case "false", "no", "0": return .boolean(false)
            default: return nil
            }
        }
    }

    enum Typed {
        case string(String)
        case integer(Int)
        case number(Double)
        case boolean(Bool)
    }

    fileprivate func write(_ value: String, into json: inout JSONWriter) {
        switch typed(value) {
        case .integer(let number)?: json.number(number)
        case .number(let number)?: json.number(number)
        case .boolean(let flag)?: json.bool(flag)
        case .string(let text)?: json.string(text)
        case nil: json.string(value)
        }
    }
}

extension SourceParam.ValueType {
    /// How a message names the type: `x must be a whole number`.
    var phrase: String {
        switch self {
        case .string: "text"
        case .integer: "a whole number"
        case .number: "a number"
        case .boolean: "true or false"
        }
    }
}

/// One object of a JSON Schema, as far as source params need it.
private struct SchemaObject: Decodable {
    enum Kind {
        case object
        case leaf(SourceParam.ValueType)
    }

    /// `type`: one name, or a list of them.
    var types: [String]
    var properties: [String: SchemaObject]?
    var required: [String]?
    var enumValues: [Scalar]?
    var description: String?

    enum CodingKeys: String, CodingKey {
        case type, properties, required, description
        case enumValues = "enum"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let one = try? container.decode(String.self, forKey: .type) {
            types = [one]
        } else {
            types = (try? container.decode([String].self, forKey: .type)) ?? []
        }
        properties = try container.decodeIfPresent([String: SchemaObject].self, forKey: .properties)
        required = try? container.decodeIfPresent([String].self, forKey: .required)
        enumValues = try? container.decodeIfPresent([Scalar].self, forKey: .enumValues)
        description = try? container.decodeIfPresent(String.self, forKey: .description)
    }

    /// What the property is; `nil` for one a cell cannot hold (see ``SourceParamsSchema/init(from:)``).
    var valueType: Kind? {
        let type = types.first { $0 != "null" }
        switch type {
        case "object"?: return properties == nil ? nil : .object
        case nil: return properties != nil ? .object : .leaf(.string)
        case let name?: return SourceParam.ValueType(rawValue: name).map(Kind.leaf)
        }
    }

    /// An `enum` value, as the text a cell would hold.
    struct Scalar: Decodable {
        var text: String
        init(from decoder: any Decoder) throws {
            let value = try decoder.singleValueContainer()
            if let text = try? value.decode(String.self) {
                self.text = text
            } else if let number = try? value.decode(Int.self) {
                text = String(number)
            } else if let number = try? value.decode(Double.self) {
                text = String(number)
            } else if let flag = try? value.decode(Bool.self) {
                text = String(flag)
            } else {
                text = "null"
            }
        }
    }
}
