/// The connection specs the mock knows: only Adobe's generic REST API source.
enum ConnectionSpecCatalog {
    static let genericRESTID = "4e98f16f-87d6-4ef0-bdc6-7a2b0fe76e62"
    /// Known versions, oldest first; a request without a version gets the last one.
    static let genericRESTVersions = ["1.0"]
}
