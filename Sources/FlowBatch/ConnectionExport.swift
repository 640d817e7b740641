import FlowBatchEngine
import FlowBatchIngest
import FlowBatchModel
import FlowBatchReport
import FlowServiceAPI
import Foundation
import Logging

/// `flowbatch export`: the generic REST connections of some sandboxes as CSV in the input format,
/// never a secret, streamed page by page (memory does not grow with the sandbox).
///
/// Secret columns are present and empty, so that the file, filled in with the secrets, is valid
/// input for `run --if-exists update`; `connection_id`, `etag` and `created` (ISO 8601) follow.
public struct ConnectionExport: Sendable {
    /// The columns: the input format's fields, then what identifies each connection.
    public static let columns = [
        "name", "description", "sandbox", "auth", "host", "username", "password", "authorizationTestUrl", "clientId",
        "clientSecret", "accessToken", "refreshToken", "expirationDate", "accessTokenUrl", "connection_id", "etag",
        "created",
    ]

    /// What an export did.
    public struct Summary: Sendable, Equatable {
        /// Connections written, by sandbox, in the order listed.
        public var written: [(sandbox: String, count: Int)] = []
        /// Sandboxes the service refused (missing, no permission), with why.
        public var refused: [(sandbox: String, message: String)] = []
        /// Whether the export was stopped (Ctrl-C) before it ended.
        public var stopped = false

        public static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.written.elementsEqual(rhs.written, by: ==) && lhs.refused.elementsEqual(rhs.refused, by: ==)
                && lhs.stopped == rhs.stopped
        }
    }

    public let session: FlowServiceSession<ContinuousClock>
    public let sandboxes: [String]

    public init(session: FlowServiceSession<ContinuousClock>, sandboxes: [String]) {
        self.session = session
        self.sandboxes = sandboxes
    }

    /// Writes the header, then one line per connection with `write`; throws a run error (the
    /// credentials refused, a page that keeps failing) or what `write` throws.
    public func run(write: ([UInt8]) throws(RunError) -> Void) async throws(RunError) -> Summary {
        try write(CSVLineEncoder.line(Self.columns, neutralize: false))
        let refusals = SandboxRefusals()
        let listing = ExistingConnectionsListing(
            client: session.client,
            retrier: session.retrier(.read),
            logger: session.logger,
            refusals: refusals,
            keepsParams: true
        )
        var summary = Summary()
        for sandbox in sandboxes {
            var count = 0
            let complete = try await listing.forEachPage(sandbox: sandbox) { (page) throws(RunError) in
                for connection in page {
                    // Guarded as the results are: anyone who can name a connection could plant a formula.
                    try write(CSVLineEncoder.line(Self.values(of: connection, sandbox: sandbox)))
                }
                count += page.count
            }
            summary.written.append((sandbox, count))
            if let refused = refusals.failure(for: sandbox) {
                summary.refused.append((sandbox, "\(refused.message) [\(refused.resultCode)]"))
            } else if !complete {
                summary.stopped = true
                break
            }
        }
        return summary
    }

    /// Runs the export into `target`: a regular file is written to a temporary file beside it and
    /// renamed into place only when complete (an export that stops leaves no half file); standard
    /// output, a device or a FIFO is written as the pages come.
    public func run(into target: OutputTarget) async throws(RunError) -> Summary {
        guard target.kind == .file else {
            let stream = try target.stream()
            defer { stream.close() }
            var pending: [UInt8] = []
            let summary = try await run { (line) throws(RunError) in
                pending += line
                if pending.count >= 64 * 1024 {
                    try stream.write(pending)
                    pending.removeAll(keepingCapacity: true)
                }
            }
            try stream.write(pending)
            return summary
        }
        let path = target.path
        var file = try TemporaryFiles.create(besides: path)
        let temporary = file.path
        defer { TemporaryFiles.unregister(temporary) }
        do throws(RunError) {
            let summary = try await run { (line) throws(RunError) in try file.write(line) }
            try file.close(sync: true)
            guard !summary.stopped else {
                unlink(temporary)
                return summary
            }
            guard rename(temporary, path) == 0 else {
                throw RunError(
                    .localFile,
                    "cannot move the export into place at \(target.given): \(SystemError.describe(errno))"
                )
            }
            return summary
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// One connection's values, in ``columns`` order; secret columns empty.
    static func values(of connection: FlowServiceClient.Listed, sandbox: String) -> [String] {
        let auth = connection.authSpecName.flatMap { AuthName.kind(of: $0)?.rawValue ?? $0 } ?? ""
        let created = connection.createdAt.map {
            Date(timeIntervalSince1970: Double($0) / 1000).formatted(.iso8601)
        }
        let params = connection.params
        // A secret in a URL's query string is masked; fed back as it is, the row is refused.
        func url(_ name: String) -> String { URLSecrets.masked(params[name] ?? "") }
        return [
            connection.name, connection.description ?? "", sandbox, auth, url("host"),
            params["username"] ?? "",
            "", url("authorizationTestUrl"), params["clientId"] ?? "", "", "", "",
            params["expirationDate"] ?? "",
            url("accessTokenUrl"), connection.id, connection.etag.map(EntityTag.bare) ?? "", created ?? "",
        ]
    }
}
