import FlowBatchIngest

/// One fuzz input, taken apart: its first ``headerSize`` bytes choose the reader's format and limits,
/// the rest is the CSV file.
///
/// Deriving the options from the input lets the fuzzer explore them as it explores the CSV: every
/// delimiter, read sizes small enough that chunk boundaries fall everywhere, and limits small enough
/// that rows hit them. Missing header bytes count as zero.
struct FuzzInput {
    /// Bytes before the CSV.
    static let headerSize = 6

    /// `,`, `;` or tab, from byte 0.
    var delimiter: UInt8
    /// 1...256 bytes, from byte 1.
    var readSize: Int
    /// From byte 2: 255 is the default (1 MiB), below 128 a tiny limit of 1...128 bytes, else 32...4064.
    var maxRecordBytes: Int
    /// From byte 3: 255 is the default (10,000), else 1...64.
    var maxFields: Int
    /// From byte 4: 0...16,320 bytes read again after unterminated quotes, for one extra read.
    var maxRereadBytes: Int
    /// From the low 3 bits of byte 5: 2...9 names in memory before ``DuplicateNameFinder`` spills.
    var nameMemoryLimit: Int
    /// From bit 3 of byte 5: pass `--column '<first header>=name'`.
    var overridesNameColumn: Bool
    /// The CSV file.
    var csv: [UInt8]

    init(_ bytes: [UInt8]) {
        func byte(_ index: Int) -> Int { index < bytes.count ? Int(bytes[index]) : 0 }
        delimiter = [UInt8(ascii: ","), UInt8(ascii: ";"), 0x09][byte(0) % 3]
        readSize = 1 + byte(1)
        let recordLimit = byte(2)
        maxRecordBytes = recordLimit == 255 ? 1 << 20 : recordLimit < 128 ? 1 + recordLimit : (recordLimit - 127) * 32
        maxFields = byte(3) == 255 ? 10_000 : 1 + byte(3) % 64
        maxRereadBytes = byte(4) * 64
        nameMemoryLimit = 2 + (byte(5) & 7)
        overridesNameColumn = byte(5) & 8 != 0
        csv = bytes.count > Self.headerSize ? Array(bytes[Self.headerSize...]) : []
    }

    /// The reader's public options at the derived read size and limits.
    var readerOptions: CSVReader.Options {
        CSVReader.Options(
            delimiter: delimiter,
            readSize: readSize,
            maxRecordBytes: maxRecordBytes,
            maxFields: maxFields
        )
    }
}
