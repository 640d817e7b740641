import FlowBatchModel
import Foundation
import Logging
import NIOHTTP1

/// Fetches access tokens from Adobe IMS with OAuth server-to-server client credentials
/// (`POST /ims/token/v3`, form-encoded). Transient failures are tried three times in all.
///
/// Failures say what to fix and where each setting came from: credentials IMS refuses are
/// ``RunError/Code/credentialsRefused`` (naming the client ID's, secret's or scopes' source); a URL
/// that does not answer like IMS (nothing listening, a page that is not IMS's, no `access_token`)
/// is ``RunError/Code/notTokenService`` (naming the URL and its source).
public struct IMSClient: Sendable {
    let imsURL: String
    let clientID: String
    let clientSecret: Secret
    let scopes: String
    let sources: PlatformSettings.Sources
    let transport: HTTPTransport
    let logger: Logger

    public init(
        imsURL: String,
        clientID: String,
        clientSecret: Secret,
        scopes: String,
        sources: PlatformSettings.Sources = PlatformSettings.Sources(),
        transport: HTTPTransport,
        logger: Logger
    ) {
        self.imsURL = imsURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scopes = scopes
        self.sources = sources
        self.transport = transport
        self.logger = logger
    }

    private struct TokenBody: Decodable {
        var access_token: String?
        var expires_in: Double?
        var error: String?
        var error_description: String?
    }

    /// A new token and its lifetime in seconds, asked for again through `retrying` (the run's
    /// retrier: its policy, its clock, its stop) while IMS does not answer or is busy.
    package func fetch(retrying: any Retrying) async throws(RunError) -> (token: Secret, lifetime: Double) {
        let end = try await retrying.run { (_) async throws(RunError) -> TryVerdict<Issued> in try await request() }
        switch end {
        case .done(let issued):
            return (issued.token, issued.lifetime)
        case .gaveUp(let reason) where reason.failure.code == .connectFailed:
            throw notIMS(reason.failure.message)
        case .gaveUp(let reason):
            throw RunError(
                .tokenService,
                "IMS at \(described) did not issue a token (\(reason.failure.message)); try again later, or check the IMS URL"
            )
        case .stopped:
            throw RunError(.tokenService, "the run stopped before IMS at \(described) issued a token")
        }
    }

    private struct Issued: Sendable {
        var token: Secret
        var lifetime: Double
    }

    /// One token request: a token, an answer worth asking again (no connection, 429, 5xx), or an error.
    private func request() async throws(RunError) -> TryVerdict<Issued> {
        let form = [
            ("grant_type", "client_credentials"), ("client_id", clientID), ("client_secret", clientSecret.revealed),
            ("scope", scopes),
        ]
        .map { "\($0.0)=\(QueryEncoding.encode($0.1))" }
        .joined(separator: "&")
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        headers.add(name: "Accept", value: "application/json")
        let answer: ServiceAnswer
        do {
            answer = try await transport.send(
                method: .POST,
                url: imsURL + "/ims/token/v3",
                headers: headers,
                body: Array(form.utf8)
            )
        } catch  where error.code == .tls {
            throw RunError(.transport, "IMS at \(described) failed TLS verification: \(error.message)")
        } catch  where error.code == .malformedResponse {
            // An answer too large to be a token: no IMS.
            throw notIMS(error.message)
        } catch {
            return .again(RetryReason(error, unreachable: true))
        }
        let status = answer.status
        let decoded = try? JSONDecoder().decode(TokenBody.self, from: Data(answer.body))
        if status == 200, let token = decoded?.access_token, !token.isEmpty {
            let lifetime = decoded?.expires_in ?? 86_399
            logger.debug("IMS issued a token", metadata: ["expires_in": "\(lifetime)"])
            return .done(Issued(token: Secret(token), lifetime: lifetime))
        }
        if status == 429 || status >= 500 {
            return .again(
                RetryReason(
                    RunError(RunError.Code("ims-\(status)"), "IMS answered HTTP \(status)", httpStatus: status),
                    retryAfter: answer.retryAfter,
                    throttled: status == 429,
                    unreachable: status >= 500
                )
            )
        }
        if (400..<500).contains(status), let code = decoded?.error, Self.isOAuthErrorCode(code) {
            throw refused(code: code, detail: decoded?.error_description.map(Redactor([clientSecret]).clean))
        }
        throw notIMS(Self.describe(status: status, body: answer.body))
    }

    /// "https://ims-na1.adobelogin.com (from --ims-url)".
    private var described: String { "\(imsURL) (from \(sources.imsURL))" }

    private func refused(code: String, detail: String?) -> RunError {
        let check: String
        switch code {
        case "invalid_client":
            check = "the client ID (from \(sources.clientID)) and the client secret (from \(sources.clientSecret))"
        case "invalid_scope":
            check = "the scopes (from \(sources.scopes))"
        default:
            check =
                "the client ID (from \(sources.clientID)), the client secret (from \(sources.clientSecret)) and the"
                + " scopes (from \(sources.scopes))"
        }
        return RunError(
            .credentialsRefused,
            "IMS at \(imsURL) refused the client credentials (\(code)\(detail.map { ": \($0)" } ?? "")); check \(check)",
            serviceCode: code
        )
    }

    private func notIMS(_ happened: String) -> RunError {
        // Through a proxy that cannot be reached, the IMS URL is not what to check: the proxy is.
        let hint = happened.hasPrefix(HTTPTransport.proxyUnreachable) ? "" : "; check the IMS URL"
        return RunError(.notTokenService, "could not get a token from IMS at \(described): \(happened)\(hint)")
    }

    /// An OAuth 2 error code (RFC 6749 5.2) as IMS gives them, e.g. `invalid_client`; another
    /// server's `{"error": "Not Found"}` is not one.
    static func isOAuthErrorCode(_ code: String) -> Bool {
        !code.isEmpty && code.allSatisfy { ($0.isASCII && $0.isLowercase) || $0 == "_" }
    }

    /// What an answer that is not a token looks like, without quoting it (it may echo the request).
    static func describe(status: Int, body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(512), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let kind: String
        if text.isEmpty {
            kind = "an empty answer"
        } else if text.hasPrefix("<") {
            kind = "an HTML page"
        } else if (try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])) != nil {
            kind = status == 200 ? "a JSON answer without an access_token" : "a JSON answer that is not IMS's"
        } else {
            kind = "an answer that is not JSON"
        }
        let redirect = (300..<400).contains(status) ? ", a redirect (not followed)" : ""
        return "HTTP \(status)\(redirect) with \(kind)"
    }
}
