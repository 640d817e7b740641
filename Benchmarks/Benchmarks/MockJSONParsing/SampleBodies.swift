import FlowServiceMock
import Foundation

/// Create bodies as flowbatch writes them for the rows of scripts/lib/gen_input.py.
enum SampleBodies {
    static func make(count: Int) -> [[UInt8]] {
        (0..<count).map { index in
            let name = String(format: "Source %07d", index)
            let spec = #""connectionSpec":{"id":"4e98f16f-87d6-4ef0-bdc6-7a2b0fe76e62","version":"1.0"}"#
            if index % 2 == 0 {
                return Array(
                    (#"{"name":"\#(name)","description":"Orders, returns and \"refunds\" #\#(index)","#
                        + #""auth":{"specName":"Basic Authentication","params":{"host":"https://api\#(index % 97)"#
                        + #".example.com/v1","username":"svc-\#(index)","password":"pw-\#(index)-x"}},\#(spec)}"#)
                        .utf8
                )
            }
            return Array(
                (#"{"name":"\#(name)","description":"Events feed \#(index)","auth":{"specName":"#
                    + #""OAuth2 Refresh Code","params":{"host":"https://events\#(index % 89).example.com/api","#
                    + #""accessToken":"at-\#(index)-token","refreshToken":"rt-\#(index)","#
                    + #""expirationDate":"2027-12-31"}},\#(spec)}"#)
                    .utf8
            )
        }
    }

    /// Stops the run unless all three read the same name, spec name and params from every body.
    static func checkSameFields(_ bodies: [[UInt8]]) {
        let decoder = JSONDecoder()
        for body in bodies {
            guard case .object(let root) = try! JSONValue.parse(body),
                case .string(let name) = root["name"],
                case .object(let auth) = root["auth"],
                case .string(let specName) = auth["specName"],
                case .object(let params) = auth["params"]
            else { preconditionFailure("the mock's parser read \(String(decoding: body, as: UTF8.self))") }
            let decoded = try! decoder.decode(DecodedCreateBody.self, from: Data(body))
            precondition(decoded.name == name && decoded.auth.specName == specName)
            let strings = params.mapValues { value -> String in
                guard case .string(let text) = value else { preconditionFailure("a param that is no string") }
                return text
            }
            precondition(decoded.auth.params == strings)
            let tree = try! JSONSerialization.jsonObject(with: Data(body)) as! [String: Any]
            precondition(tree["name"] as? String == name)
        }
    }
}

/// The fields of a create body that the mock checks, for `JSONDecoder`.
struct DecodedCreateBody: Decodable {
    struct Auth: Decodable {
        var specName: String
        var params: [String: String]
    }

    struct Spec: Decodable {
        var id: String
        var version: String?
    }

    var name: String
    var description: String?
    var auth: Auth
    var connectionSpec: Spec
}
