import Foundation
import Logging
import NIOHTTP1

/// Fetches access tokens from Adobe IMS with OAuth server-to-server client credentials
/// (`POST /ims/token/v3`, form-encoded). Transient failures are tried three times in all.
public struct IMSClient: Sendable {
    let imsURL: String
    let clientID: String
    let clientSecret: Secret
    let scopes: String
    let transport: HTTPTransport
    let logger: Logger

    public init(imsURL: String, clientID: String, clientSecret: Secret, scopes: String, transport: HTTPTransport, logger: Logger) {
        self.imsURL = imsURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scopes = scopes
        self.transport = transport
        self.logger = logger
    }

    private struct TokenBody: Decodable {
        var access_token: String?
        var expires_in: Double?
        var error: String?
        var error_description: String?
    }

    /// A new token and its lifetime in seconds.
    public func fetch() async throws(RunError) -> (token: Secret, lifetime: Double) {
        let form = [
            ("grant_type", "client_credentials"), ("client_id", clientID), ("client_secret", clientSecret.revealed),
            ("scope", scopes),
        ]
        .map { "\($0.0)=\(QueryEncoding.encode($0.1))" }
        .joined(separator: "&")
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        headers.add(name: "Accept", value: "application/json")
        let redactor = Redactor([clientSecret])
        var lastProblem = ""
        for attempt in 1...3 {
            let answer = await transport.send(
                method: .POST,
                url: imsURL + "/ims/token/v3",
                headers: headers,
                body: Array(form.utf8)
            )
            switch answer {
            case .transport(let failure) where failure.kind == .tls:
                throw RunError(.transport, "the token service at \(imsURL) failed TLS verification: \(failure.message)")
            case .transport(let failure):
                lastProblem = failure.message
            case .answer(let status, _, let body, _):
                let decoded = try? JSONDecoder().decode(TokenBody.self, from: Data(body))
                if status == 200, let token = decoded?.access_token, !token.isEmpty {
                    let lifetime = decoded?.expires_in ?? 86_399
                    logger.debug("IMS issued a token", metadata: ["expires_in": "\(lifetime)"])
                    return (Secret(token), lifetime)
                }
                if status < 500, status != 429 {
                    let code = decoded?.error ?? "HTTP \(status)"
                    let detail = decoded?.error_description.map { ": \(redactor.clean($0))" } ?? ""
                    throw RunError(
                        .tokenService,
                        "IMS refused to issue a token (\(code)\(detail)); check AEP_CLIENT_ID, AEP_CLIENT_SECRET and AEP_SCOPES",
                        serviceCode: decoded?.error
                    )
                }
                lastProblem = "HTTP \(status)"
            }
            if attempt < 3 {
                try? await Task.sleep(for: .milliseconds(500 << (attempt - 1)))
            }
        }
        throw RunError(.tokenService, "IMS at \(imsURL) did not issue a token after 3 tries (\(lastProblem))")
    }
}
