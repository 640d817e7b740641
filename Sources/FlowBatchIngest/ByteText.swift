import FlowBatchModel

/// Small operations on UTF-8 bytes, so that checking a row copies none of its values.
package enum ByteText {
    /// `bytes` without spaces, tabs, line breaks, no-break spaces (U+00A0) or byte-order marks
    /// (U+FEFF) at either end.
    package static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = bytes.count
        while start < end {
            let width = trimmableWidth(bytes, at: start, end: end)
            if width == 0 { break }
            start += width
        }
        while end > start {
            let width = trimmableWidthBefore(bytes, end: end, start: start)
            if width == 0 { break }
            end -= width
        }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// A non-secret cell as flowbatch reads it: trimmed, and without the `'` that its own results and
    /// exports put before a formula character (``FormulaGuard``), trimmed again after it.
    package static func cell(
        _ written: UnsafeBufferPointer<UInt8>
    ) -> (value: UnsafeBufferPointer<UInt8>, unguarded: Bool) {
        let trimmed = trimmed(written)
        let drop = FormulaGuard.guardLength(trimmed)
        guard drop > 0 else { return (trimmed, false) }
        return (self.trimmed(UnsafeBufferPointer(rebasing: trimmed.dropFirst(drop))), true)
    }

    private static func trimmableWidth(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> Int {
        let byte = bytes[index]
        if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { return 1 }
        if byte == 0xC2, index + 1 < end, bytes[index + 1] == 0xA0 { return 2 }
        if byte == 0xEF, index + 2 < end, bytes[index + 1] == 0xBB, bytes[index + 2] == 0xBF { return 3 }
        return 0
    }

    private static func trimmableWidthBefore(_ bytes: UnsafeBufferPointer<UInt8>, end: Int, start: Int) -> Int {
        let byte = bytes[end - 1]
        if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { return 1 }
        if byte == 0xA0, end - 2 >= start, bytes[end - 2] == 0xC2 { return 2 }
        if byte == 0xBF, end - 3 >= start, bytes[end - 3] == 0xEF, bytes[end - 2] == 0xBB { return 3 }
        return 0
    }

    /// The first byte that is a control character not allowed in the value, if any.
    package static func firstControl(_ bytes: UnsafeBufferPointer<UInt8>, allowingLineBreaks: Bool) -> UInt8? {
        guard hasControl(bytes) else { return nil }
        for byte in bytes where byte < 0x20 || byte == 0x7F {
            if allowingLineBreaks, byte == 0x0A || byte == 0x0D || byte == 0x09 { continue }
            return byte
        }
        return nil
    }

    /// Whether any byte is below 0x20 or is 0x7F.
    package static func hasControl(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        scan(bytes).control
    }

    /// Whether any byte is not ASCII, and whether any is a control character (below 0x20, NUL among
    /// them, or 0x7F), eight bytes at a time: every record is scanned once, and almost none holds either.
    package static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> (nonASCII: Bool, control: Bool) {
        guard let base = bytes.baseAddress else { return (false, false) }
        let raw = UnsafeRawPointer(base)
        var index = 0
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var high: UInt64 = 0
        var control: UInt64 = 0
        while index + 8 <= bytes.count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            high |= word
            // A byte below 0x20 (bytes with the high bit set are not controls), or 0x7F.
            let below = (word &- ones &* 0x20) & ~word
            let delete = ((word ^ (ones &* 0x7F)) &- ones) & ~(word ^ (ones &* 0x7F))
            control |= below | delete
            index += 8
        }
        var nonASCII = high & highs != 0
        var hasControl = control & highs != 0
        while index < bytes.count {
            let byte = bytes[index]
            nonASCII = nonASCII || byte >= 0x80
            hasControl = hasControl || byte < 0x20 || byte == 0x7F
            index += 1
        }
        return (nonASCII, hasControl)
    }

    /// Characters (Unicode scalars) in `bytes`, counted only when a length limit is exceeded.
    package static func scalarCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }

    /// Whether `bytes` equal the ASCII text `literal`.
    package static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        for index in 0..<bytes.count where bytes[index] != literal.utf8Start[index] { return false }
        return true
    }

    /// `U+0007`.
    package static func codePointName(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}
