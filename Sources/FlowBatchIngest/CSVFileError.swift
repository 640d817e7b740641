import FlowBatchModel

/// Why a CSV file as a whole cannot be read: nothing in it is sent.
public struct CSVFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Equatable {
        /// The file does not exist.
        case notFound
        /// The file exists but cannot be opened or read (permissions, a folder, an I/O error).
        case unreadable(errno: Int32)
        /// The file starts with a byte-order mark of an encoding flowbatch cannot read.
        case unsupportedEncoding(String)
        /// The file is in another encoding than the one it is read as; `option` is the `--encoding` that reads it.
        case otherEncoding(found: String, option: TextEncoding)
        /// The file is a spreadsheet workbook, not a CSV file.
        case workbook(kind: String)
        /// The file is a document of Apple's Numbers (a ZIP archive, or a `.numbers` package folder).
        case numbers
        /// The file is JSON, not CSV.
        case json
        /// The file changed size or modification time while it was being read.
        case changedWhileReading
        /// So many quotes never close that the file cannot be CSV with `"` quoting.
        case tooManyUnterminatedQuotes
    }

    /// What went wrong.
    public var code: Code
    /// The path as the user gave it.
    public var path: String

    /// Creates an error.
    public init(_ code: Code, path: String) {
        self.code = code
        self.path = path
    }

    /// One sentence saying what is wrong and how to fix it.
    public var description: String {
        switch code {
        case .notFound:
            "\(path): no such file"
        case .unreadable(let number):
            "\(path): cannot be read (\(SystemError.describe(number)))"
        case .unsupportedEncoding(let encoding):
            "\(path): the file is \(encoding), not UTF-8; save it again as \"CSV UTF-8\""
        case .otherEncoding(let found, .utf8):
            "\(path): the file is \(found); leave out --encoding (or pass --encoding utf-8)"
        case .otherEncoding(let found, let option):
            "\(path): the file is \(found), not what it is read as; save it as \"CSV UTF-8\" or pass --encoding \(option.rawValue)"
        case .workbook(let kind):
            "\(path): this is \(kind), not a CSV file; in the spreadsheet, save or export it as \"CSV UTF-8\" and pass that file"
        case .numbers:
            "\(path): this is a Numbers document, not a CSV file; in Numbers choose File > Export To > CSV"
                + " (Text Encoding: Unicode (UTF-8)) and pass that file"
        case .json:
            "\(path): this is a JSON file, not a CSV file; flowbatch reads a spreadsheet saved as \"CSV UTF-8\""
                + " (a header such as 'name,host,username,password', one row per connection); a credentials"
                + " file goes to --config"
        case .changedWhileReading:
            "\(path): the file changed while it was being read; wait until it is saved and run again"
        case .tooManyUnterminatedQuotes:
            "\(path): too many quotes never close for this to be a CSV file; check --delimiter and the file's format"
        }
    }
}
