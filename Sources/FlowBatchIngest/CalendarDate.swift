/// A calendar date read from `YYYY-MM-DD` or the date part of an ISO 8601 date-time
/// (`2027-03-31T12:00:00Z`, `2027-03-31T12:00:00.000+02:00`).
struct CalendarDate: Sendable, Equatable {
    /// The date written `YYYY-MM-DD`.
    let text: String

    /// Reads the value's bytes in place: it runs for every OAuth 2 row.
    init?(parsing bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = Self.number(bytes[0..<4]), let month = Self.number(bytes[5..<7]),
            let day = Self.number(bytes[8..<10]),
            year >= 1970, (1...12).contains(month), day >= 1, day <= Self.days(inMonth: month, year: year)
        else { return nil }
        if bytes.count > 10 {
            guard Self.isTimeOfDay(bytes[10...]) else { return nil }
        }
        text = String(decoding: bytes[0..<10], as: UTF8.self)
    }

    private static func number(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return value
    }

    private static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// `THH:MM[:SS[.fraction]][Z|±HH:MM]` (a space may stand for `T`).
    private static func isTimeOfDay(_ rest: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        var bytes = rest
        guard let separator = bytes.popFirst(),
            separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t")
                || separator == UInt8(ascii: " ")
        else { return false }
        func take(_ count: Int, below limit: Int) -> Bool {
            guard bytes.count >= count, let value = number(bytes.prefix(count)), value < limit else { return false }
            bytes.removeFirst(count)
            return true
        }
        guard take(2, below: 24), bytes.popFirst() == UInt8(ascii: ":"), take(2, below: 60) else { return false }
        if bytes.first == UInt8(ascii: ":") {
            bytes.removeFirst()
            guard take(2, below: 61) else { return false }
            if bytes.first == UInt8(ascii: ".") {
                bytes.removeFirst()
                let fraction = bytes.prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
                guard !fraction.isEmpty else { return false }
                bytes.removeFirst(fraction.count)
            }
        }
        guard let zone = bytes.popFirst() else { return true }
        if zone == UInt8(ascii: "Z") || zone == UInt8(ascii: "z") { return bytes.isEmpty }
        guard zone == UInt8(ascii: "+") || zone == UInt8(ascii: "-") else { return false }
        guard take(2, below: 24) else { return false }
        if bytes.first == UInt8(ascii: ":") { bytes.removeFirst() }
        return take(2, below: 60) && bytes.isEmpty
    }
}
