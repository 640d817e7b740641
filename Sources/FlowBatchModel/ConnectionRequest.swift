/// One valid row of the input, ready to become a `POST /connections`.
public struct ConnectionRequest: Sendable, Equatable {
    /// The spreadsheet row number it came from.
    public var row: Int
    /// The connection's name (trimmed).
    public var name: String
    /// The optional description (trimmed), `nil` when the cell is empty.
    public var description: String?
    /// The sandbox to create it in.
    public var sandbox: String
    /// How the source authenticates.
    public var credentials: Credentials
    /// `--if-exists update` with every secret cell empty (an `export` not filled in): the existing
    /// connection keeps its credentials, `credentials` holds empty secrets and is never sent, and
    /// only the non-secret changes (the description) are applied.
    public var keepsSecrets = false

    public init(row: Int, name: String, description: String?, sandbox: String, credentials: Credentials) {
        self.row = row
        self.name = name
        self.description = description
        self.sandbox = sandbox
        self.credentials = credentials
    }
}
