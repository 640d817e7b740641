/// The demo's input: `samples/mixed.csv` itself, embedded in the binary when it is built
/// (`Resources/mixed.csv` links to it), so that `flowbatch demo` runs from anywhere and the two cannot differ.
enum DemoInput {
    static let fileName = "mixed.csv"

    /// The file's bytes.
    static var bytes: [UInt8] { PackageResources.mixed_csv }
}
