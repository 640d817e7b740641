/// The default results path: `<input>.results.csv` beside the input (`sources.csv` →
/// `sources.results.csv`).
enum ResultsPath {
    static func defaultPath(for input: String) -> String {
        let slash = input.lastIndex(of: "/")
        let name = slash.map { String(input[input.index(after: $0)...]) } ?? input
        let directory = slash.map { String(input[...$0]) } ?? ""
        let stem = name.lowercased().hasSuffix(".csv") ? String(name.dropLast(4)) : name
        return directory + stem + ".results.csv"
    }
}
