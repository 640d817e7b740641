import Foundation

/// Paths inside the repository, for tests that use its samples.
public enum Repository {
    /// The repository's root folder.
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        // Tests/FlowBatchTestSupport/Repository.swift → the root is three levels up.
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The path of a file under `samples/`.
    public static func sample(_ name: String) -> String {
        (root as NSString).appendingPathComponent("samples/\(name)")
    }
}
