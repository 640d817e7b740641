/// The `property` filters of a listing: each `property` parameter is one clause and clauses are
/// ANDed; inside one parameter, commas separate alternatives that are ORed.
///
/// The grammar is the one Adobe documents (`sort-and-filter.md`, "Filterable properties"): a value
/// starts with one condition, `field==value` or `field!=value`, and every comma after it adds another
/// value for the same field and operator (`name==A,B,C`). A later part is a value, whatever it holds:
/// `name==A,name==B` means "named `A` or named `name==B`", so a client that writes the undocumented
/// form finds nothing after its first name. Values are compared exactly, after the query string's
/// percent-decoding, so a name that itself contains a comma cannot be matched by a `name==` filter:
/// `name==Acme, Inc` means "named `Acme` or named ` Inc`".
///
/// A field that holds a list (a flow's `sourceConnectionIds`) matches `==` when any of its values is
/// equal, and `!=` when none is. Adobe's table writes such a field with `[]`
/// (`sourceConnectionIds[]==ID`) and `flow-service-api.md` without; the mock reads both as the same
/// field, since which one the live service takes is not documented.
///
/// One grammar for every kind: each kind names the fields it can be filtered on and says what
/// values a resource holds for one (``matches(_:)``).
struct PropertyFilter: Sendable, Equatable {
    /// One `field==value` or `field!=value` test.
    struct Condition: Sendable, Equatable {
        var field: String
        var equal: Bool
        var value: String

        func matches(_ values: [String]) -> Bool {
            values.contains(self.value) == self.equal
        }
    }

    /// Clauses, each a list of alternatives.
    private(set) var clauses: [[Condition]]

    /// Matches everything.
    static let all = PropertyFilter(clauses: [])

    private init(clauses: [[Condition]]) {
        self.clauses = clauses
    }

    /// Parses the values of every `property` parameter, given the fields the listed kind can be
    /// filtered on.
    ///
    /// - Throws: ``FlowServiceProblem`` `FLOW-1449-400` for an unknown field, `FLOW-1453-400` for a
    ///   clause without `==` or `!=`.
    init(properties: [String], fields: [String]) throws(FlowServiceProblem) {
        var clauses: [[Condition]] = []
        for property in properties {
            var alternatives: [Condition] = []
            for part in property.split(separator: ",", omittingEmptySubsequences: false) {
                if let first = alternatives.first {
                    alternatives.append(Condition(field: first.field, equal: first.equal, value: String(part)))
                    continue
                }
                let (condition, fieldName) = Self.condition(part, fields: fields)
                if let condition {
                    alternatives.append(condition)
                } else if let fieldName {
                    throw .invalidFilterField(fieldName, known: fields)
                } else {
                    throw .invalidQueryValue(
                        "property",
                        property,
                        "Use field==value or field!=value, e.g. property=name==Acme."
                    )
                }
            }
            clauses.append(alternatives)
        }
        self.clauses = clauses
    }

    /// Whether a resource whose values for a field are `values(field)` passes every clause.
    func matches(_ values: (String) -> [String]) -> Bool {
        self.clauses.allSatisfy { alternatives in alternatives.contains { $0.matches(values($0.field)) } }
    }

    /// When some clause only accepts given names (`name==A,B`), the names every match must have
    /// one of; `nil` when no clause narrows by name.
    var requiredNames: Set<String>? {
        var names: Set<String>?
        for alternatives in self.clauses where alternatives.allSatisfy({ $0.field == "name" && $0.equal }) {
            let clauseNames = Set(alternatives.map(\.value))
            names = names.map { $0.intersection(clauseNames) } ?? clauseNames
        }
        return names
    }

    /// The condition `text` states; `nil` when it has no operator or an unknown field, with the field
    /// name when there was an operator.
    private static func condition(_ text: Substring, fields: [String]) -> (Condition?, field: String?) {
        let equal = text.firstRange(of: "==")
        let notEqual = text.firstRange(of: "!=")
        let (range, isEqual): (Range<Substring.Index>, Bool)
        switch (equal, notEqual) {
        case (let equal?, let notEqual?):
            (range, isEqual) = equal.lowerBound < notEqual.lowerBound ? (equal, true) : (notEqual, false)
        case (let equal?, nil): (range, isEqual) = (equal, true)
        case (nil, let notEqual?): (range, isEqual) = (notEqual, false)
        case (nil, nil): return (nil, nil)
        }
        let name = String(text[..<range.lowerBound])
        let field = name.hasSuffix("[]") ? String(name.dropLast(2)) : name
        guard fields.contains(field) else { return (nil, name) }
        return (Condition(field: field, equal: isEqual, value: String(text[range.upperBound...])), name)
    }
}
