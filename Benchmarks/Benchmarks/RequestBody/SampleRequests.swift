import FlowBatchModel
import FlowServiceAPI
import Foundation

/// Rows like those of scripts/lib/gen_input.py, as the requests flowbatch makes of them.
enum SampleRequests {
    static func make(count: Int) -> [ConnectionRequest] {
        (0..<count).map { index in
            let name = String(format: "Source %07d", index)
            if index % 2 == 0 {
                return ConnectionRequest(
                    row: index + 2,
                    name: name,
                    description: "Orders, returns and \"refunds\" #\(index)",
                    sandbox: "prod",
                    credentials: .basic(
                        .init(
                            host: "https://api\(index % 97).example.com/v1",
                            username: "svc-\(index)",
                            password: Secret("pw-\(index)-x")
                        )
                    )
                )
            }
            return ConnectionRequest(
                row: index + 2,
                name: name,
                description: "Events feed \(index)",
                sandbox: "prod",
                credentials: .oauth2RefreshCode(
                    .init(
                        host: "https://events\(index % 89).example.com/api",
                        accessToken: Secret("at-\(index)-token"),
                        refreshToken: Secret("rt-\(index)"),
                        expirationDate: "2027-12-31"
                    )
                )
            )
        }
    }

    /// Stops the run unless the three ways write the same JSON document for every request (on
    /// Linux, `JSONEncoder` does not keep the keys in declaration order, so its bytes differ).
    static func checkSameJSON(_ requests: [ConnectionRequest], specs: ConnectionAuthSpecs) {
        let encoder = CreateBody.encoder
        for request in requests {
            let written = ConnectionBody.encode(request, authSpecs: specs)
            let expected = try! JSONSerialization.jsonObject(with: Data(written)) as! NSDictionary
            let encoded = try! encoder.encode(CreateBody(request, specs: specs))
            let decoded = try! JSONSerialization.jsonObject(with: encoded) as! NSDictionary
            precondition(expected == decoded, "JSONEncoder wrote \(String(decoding: encoded, as: UTF8.self))")
            let serialized = try! CreateBody.serialized(request, specs: specs)
            let got = try! JSONSerialization.jsonObject(with: serialized) as! NSDictionary
            precondition(expected == got, "JSONSerialization wrote \(String(decoding: serialized, as: UTF8.self))")
        }
    }
}
