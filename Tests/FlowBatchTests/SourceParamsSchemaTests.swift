import Foundation
import Testing

@testable import FlowBatchModel
@testable import FlowServiceAPI

@Suite("the source params of the connection spec's sourceSpec", .timeLimit(.minutes(1)))
struct SourceParamsSchemaTests {
    /// The mock's invented sourceSpec, plus one param of each other type and the shapes skipped.
    static let schema = """
        {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
         "properties": {
           "urlParams": {"type": "object", "description": "Where to read.",
             "properties": {"path": {"type": "string", "description": "The resource path."},
                            "method": {"type": "string", "enum": ["GET", "POST"]}},
             "required": ["path", "method"]},
           "contentType": {"type": "string", "enum": ["application/json", "application/x-ndjson"]},
           "paging": {"type": "object",
             "properties": {"limit": {"type": ["integer", "null"]}, "ratio": {"type": "number"},
                            "enabled": {"type": "boolean"}},
             "required": ["limit"]},
           "tags": {"type": "array", "items": {"type": "string"}},
           "extra": {"type": "object"},
           "untyped": {"description": "no type: read as text"}
         },
         "required": ["urlParams"]}
        """

    static func parsed() throws -> SourceParamsSchema {
        try SourceParamsSchema(jsonSchema: Array(schema.utf8))
    }

    @Test("leaves come by dotted path, sorted, with type, enum, required and description; arrays are skipped")
    func parsesLeaves() throws {
        let schema = try Self.parsed()
        #expect(
            schema.params.map(\.path) == [
                "contentType", "paging.enabled", "paging.limit", "paging.ratio", "untyped", "urlParams.method",
                "urlParams.path",
            ]
        )
        let method = try #require(schema.params.first { $0.path == "urlParams.method" })
        #expect(method.type == .string && method.enumValues == ["GET", "POST"] && method.required)
        let path = try #require(schema.params.first { $0.path == "urlParams.path" })
        #expect(path.description == "The resource path." && path.requiredAtEachLevel == [true, true])
        let limit = try #require(schema.params.first { $0.path == "paging.limit" })
        #expect(limit.type == .integer && !limit.required && limit.requiredAtEachLevel == [false, true])
        #expect(schema.params.first { $0.path == "paging.ratio" }?.type == .number)
        #expect(schema.params.first { $0.path == "paging.enabled" }?.type == .boolean)
        #expect(schema.params.first { $0.path == "untyped" }?.type == .string)
    }

    @Test("a header matches a param ignoring case, spaces, _ and -, dots kept")
    func headerMatching() throws {
        let schema = try Self.parsed()
        #expect(schema.param(matchingHeader: "URL Params.Path")?.path == "urlParams.path")
        #expect(schema.param(matchingHeader: "url_params.method")?.path == "urlParams.method")
        #expect(schema.param(matchingHeader: "content-type")?.path == "contentType")
        #expect(schema.param(matchingHeader: "urlParamsPath") == nil)
        #expect(schema.param(matchingHeader: "path") == nil)
        let values = schema.values(
            header: ["name", "URL Params.Path", "urlParams.method", "host"],
            fields: ["a", "/v1/x", "GET", "https://h"]
        )
        #expect(values == ["urlParams.path": "/v1/x", "urlParams.method": "GET"])
    }

    @Test(
        "each problem is one sentence naming the column",
        arguments: [
            (["urlParams.path": "/x", "urlParams.method": "GET"], [String]()),
            (
                ["urlParams.path": "/x", "urlParams.method": "PUT"],
                ["urlParams.method must be one of GET, POST (got 'PUT')"]
            ),
            (
                ["urlParams.method": "GET"],
                ["urlParams.path is required by the connection spec's sourceSpec"]
            ),
            (
                ["urlParams.path": "/x", "urlParams.method": "GET", "paging.ratio": "0.5"],
                ["paging.limit is required by the connection spec's sourceSpec once paging is given"]
            ),
            (
                ["urlParams.path": "/x", "urlParams.method": "GET", "paging.limit": "ten", "paging.ratio": "x"],
                ["paging.limit must be a whole number (got 'ten')", "paging.ratio must be a number (got 'x')"]
            ),
            (
                ["urlParams.path": "/x", "urlParams.method": "GET", "paging.limit": "1", "paging.enabled": "maybe"],
                ["paging.enabled must be true or false (got 'maybe')"]
            ),
            (
                ["urlParams.path": "", "urlParams.method": ""],
                [
                    "urlParams.method is required by the connection spec's sourceSpec",
                    "urlParams.path is required by the connection spec's sourceSpec",
                ]
            ),
        ]
    )
    func problems(values: [String: String], expected: [String]) throws {
        #expect(try Self.parsed().problems(values) == expected)
    }

    @Test("params are written nested and typed, empty ones left out")
    func writesParams() throws {
        let schema = try Self.parsed()
        var json = JSONWriter()
        schema.writeParams(
            [
                "urlParams.path": "/v1/\"q\"", "urlParams.method": "GET", "paging.limit": "25",
                "paging.ratio": "0.5", "paging.enabled": "YES", "contentType": "", "notAParam": "x",
            ],
            into: &json
        )
        #expect(
            json.text
                == #"{"paging":{"enabled":true,"limit":25,"ratio":0.5},"urlParams":{"method":"GET","path":"/v1/\"q\""}}"#
        )
        #expect(String(decoding: schema.paramsJSON([:]), as: UTF8.self) == "{}")
        #expect(
            String(decoding: schema.paramsJSON(["paging.enabled": "0"]), as: UTF8.self)
                == #"{"paging":{"enabled":false}}"#
        )
    }

    @Test("the connection spec's answer gives its sourceSpec too; a spec without one gives none")
    func readFromTheConnectionSpec() throws {
        let body = """
            {"items": [{"authSpec": [{"name": "Basic Authentication", "type": "BasicAuthentication"},
                                     {"name": "OAuth2 Refresh Code", "type": "OAuth2RefreshCode"}],
                        "sourceSpec": {"name": "REST", "type": "REST", "spec": \(Self.schema)}}]}
            """
        let specs = try #require(ConnectionAuthSpecs.read(from: Array(body.utf8)))
        #expect(specs.sourceParams == (try Self.parsed()))
        #expect(specs.basicName == "Basic Authentication")
        let without = try #require(ConnectionAuthSpecs.read(from: Array(ConnectionAuthSpecsTests.adobeShaped.utf8)))
        #expect(without.sourceParams == nil)
        let broken = body.replacingOccurrences(of: "\"spec\": {\"$schema\"", with: "\"spec\": 3, \"x\": {\"$schema\"")
        let unreadable = try #require(ConnectionAuthSpecs.read(from: Array(broken.utf8)))
        #expect(unreadable.sourceParams == nil && unreadable.oauthName == "OAuth2 Refresh Code")
    }
}
