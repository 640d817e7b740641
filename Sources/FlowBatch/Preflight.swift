import FlowBatchEngine
import FlowBatchModel
import FlowServiceAPI
import Logging

/// `flowbatch check`: a preflight without a CSV. Gets a token, reads the connection spec and the auth
/// spec names it lists, and checks that each sandbox exists and can be listed, printing one line
/// per step.
///
/// Its exit status follows the command-line contract: 0 when everything can be used, 64 when the
/// credentials or settings are the problem (IMS refuses them, the gateway refuses the key or org),
/// 2 when the service refuses what was asked (a sandbox missing or without permission, the spec).
public struct Preflight: Sendable {
    public let client: FlowServiceClient
    public let sandboxes: [String]
    /// `--oauth-spec-name`, when given.
    public let oauthOverride: String?

    public init(client: FlowServiceClient, sandboxes: [String], oauthOverride: String?) {
        self.client = client
        self.sandboxes = sandboxes
        self.oauthOverride = oauthOverride
    }

    /// Runs the checks, printing with `print`; returns the exit status.
    public func run(print: (String) -> Void) async -> Int32 {
        let settings = client.settings
        let sources = settings.sources
        print("endpoint: \(settings.endpoint) (from \(sources.endpoint))")
        print("org: \(settings.orgID) (from \(sources.orgID))")
        print("API key: \(settings.apiKey) (from \(sources.apiKey))")
        switch settings.authentication {
        case .accessToken:
            print("token: a ready access token (from AEP_ACCESS_TOKEN); it cannot be renewed")
        case .clientCredentials(let clientID, _, let scopes):
            print(
                "client: \(clientID) (from \(sources.clientID)), secret from \(sources.clientSecret), scopes \(scopes) (from \(sources.scopes))"
            )
            print("IMS: \(settings.imsURL) (from \(sources.imsURL))")
        }
        do {
            try await client.startToken()
        } catch let error as ConfigurationError {
            print("token: FAILED: \(error)")
            return 64
        } catch let error as RunError {
            print("token: FAILED: \(error)")
            return Self.status(of: error)
        } catch {
            print("token: FAILED: \(error)")
            return 64
        }
        print("token: OK")
        var status: Int32 = 0
        do {
            var warnings: [String] = []
            let specs = try await ConnectionSpecReading.read(
                client: client,
                sandbox: sandboxes.first ?? "prod",
                oauthOverride: oauthOverride,
                notify: { warnings.append($0) }
            )
            for warning in warnings { print("connection spec: \(warning)") }
            print(
                "connection spec \(GenericRESTSpec.connectionSpecID): \(specs.fromService ? "the service lists" : "built-in") auth specs "
                    + specs.listed.map { "'\($0)'" }.joined(separator: ", ")
                    + "; rows are sent as '\(specs.basicName)' (basic) and '\(specs.oauthName)' (oauth2)"
            )
        } catch {
            print("connection spec: FAILED: \(error)")
            return Self.status(of: error)
        }
        for sandbox in sandboxes {
            do {
                let count = try await client.countGenericRESTConnections(sandbox: sandbox)
                print(
                    "sandbox \(sandbox): exists and can be listed; \(count) generic REST connection\(count == 1 ? "" : "s")"
                )
            } catch {
                let disposition: AnswerClassifier.Disposition
                do {
                    disposition = try AnswerClassifier.classify(error, sandbox: sandbox)
                } catch {
                    print("sandbox \(sandbox): FAILED: \(error)")
                    return Self.status(of: error)
                }
                switch disposition {
                case .runError(let stopping) where error.isRefusal:
                    print("sandbox \(sandbox): FAILED: \(stopping)")
                    return Self.status(of: stopping)
                case .sandboxError(let refused):
                    print("sandbox \(sandbox): FAILED: \(refused.message) [\(refused.resultCode)]")
                default:
                    print("sandbox \(sandbox): FAILED: \(error.message)\(error.serviceCode.map { " [\($0)]" } ?? "")")
                }
                status = 2
            }
        }
        print(status == 0 ? "check passed" : "check failed")
        return status
    }

    /// Credentials and settings (64) against what the service refuses (2); an IMS that issues no
    /// token is the settings' here too (`check` is run to find out whether they work).
    static func status(of error: RunError) -> Int32 {
        (error.code == .tokenService ? .configuration : ExitStatus.beforeWriting(error)).rawValue
    }
}
