extension Timestamp {
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        case invalidDate(String)
        case missingOffset(String)
        case outOfRange(String)

        public var description: String {
            switch self {
            case .malformed(let text):
                "'\(text)' is not an ISO 8601 date or timestamp (use 2024-03-01 or 2024-03-01T12:00:00Z)"
            case .invalidDate(let text): "'\(text)' is not a real calendar date or time"
            case .missingOffset(let text):
                "'\(text)' has a time but no UTC offset (add Z or +hh:mm)"
            case .outOfRange(let text):
                "'\(text)' is outside the years \(Timestamp.supportedYears.lowerBound)-\(Timestamp.supportedYears.upperBound) that records may fall in"
            }
        }
    }

    /// Parses ISO 8601: `2024-03-01` (00:00 UTC), or a full timestamp with an offset:
    /// `2024-03-01T12:00:00Z`, `2024-03-01T12:00:00.250+02:00`, `2024-03-01 12:00Z`. Fractions of a second are dropped.
    public static func parse(_ text: some StringProtocol) throws(ParseError) -> Timestamp {
        var copy = String(text)
        // `withUTF8` rethrows untyped errors, so carry the typed result out of the closure.
        let result = copy.withUTF8 { bytes in Result { () throws(ParseError) in try parse(utf8: bytes) } }
        return try result.get()
    }

    /// Parses ISO 8601 from UTF-8 bytes (see `parse(_:)`).
    @inlinable
    package static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> Timestamp {
        if let common = parseCommonForm(bytes) { return common }
        return try parseGeneral(utf8: bytes)
    }

    /// `parse(utf8:)` for the forms `parseCommonForm` leaves: offsets, fractions, lower-case letters, errors.
    @usableFromInline
    static func parseGeneral(utf8 bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> Timestamp {
        var text: String { String(decoding: bytes, as: UTF8.self) }
        var i = 0
        func number(_ count: Int) -> Int? {
            guard i + count <= bytes.count else { return nil }
            var value = 0
            for k in i..<(i + count) {
                let b = bytes[k]
                guard b >= 48 && b <= 57 else { return nil }
                value = value * 10 + Int(b - 48)
            }
            i += count
            return value
        }
        func expect(_ char: Unicode.Scalar) -> Bool {
            guard i < bytes.count, bytes[i] == UInt8(ascii: char) else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2) else {
            throw .malformed(String(text))
        }
        let date = CivilDate(year: year, month: month, day: day)
        guard date.isValid else { throw .invalidDate(String(text)) }
        guard supportedYears.contains(year) else { throw .outOfRange(String(text)) }
        var seconds = Int64(date.daysSinceEpoch) * 86_400
        if i == bytes.count { return Timestamp(seconds: seconds) }
        guard expect("T") || expect("t") || expect(" ") else { throw .malformed(String(text)) }
        guard let hour = number(2), expect(":"), let minute = number(2) else { throw .malformed(String(text)) }
        var second = 0
        if expect(":") {
            guard let s = number(2) else { throw .malformed(String(text)) }
            second = s
            if expect(".") || expect(",") {
                let fractionStart = i
                while i < bytes.count, bytes[i] >= 48 && bytes[i] <= 57 { i += 1 }
                guard i > fractionStart else { throw .malformed(String(text)) }
            }
        }
        guard hour <= 24, minute <= 59, second <= 60, !(hour == 24 && (minute > 0 || second > 0)) else {
            throw .invalidDate(String(text))
        }
        seconds += Int64(hour * 3600 + minute * 60 + min(second, 59))
        guard i < bytes.count else { throw .missingOffset(String(text)) }
        if expect("Z") || expect("z") {
            guard i == bytes.count else { throw .malformed(String(text)) }
            return Timestamp(seconds: seconds)
        }
        let sign: Int64
        if expect("+") { sign = 1 } else if expect("-") { sign = -1 } else { throw .malformed(String(text)) }
        guard let offsetHours = number(2) else { throw .malformed(String(text)) }
        _ = expect(":")
        let offsetMinutes = i == bytes.count ? 0 : (number(2) ?? -1)
        guard offsetMinutes >= 0, i == bytes.count, offsetHours <= 18, offsetMinutes <= 59 else {
            throw .malformed(String(text))
        }
        return Timestamp(seconds: seconds - sign * Int64(offsetHours * 3600 + offsetMinutes * 60))
    }
}

extension Timestamp {
    /// The two forms exports use most, `2024-03-01` and `2024-03-01T12:00:00Z`, read without branching per character;
    /// `nil` for anything else (including invalid dates), which the general parser then reads or rejects. Inlinable:
    /// the importers call it for every timestamp of tens of millions of rows.
    @inlinable @inline(__always)
    package static func parseCommonForm(_ b: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        let n = b.count
        guard n == 10 || n == 20, b[4] == 0x2D, b[7] == 0x2D else { return nil }
        @inline(__always) func digit(_ i: Int) -> Int { Int(b[i] &- 48) }
        // A byte is a digit when `digit + 6` stays below 16: OR them all and test the high bits once.
        let bad = (digit(0) + 6) | (digit(1) + 6) | (digit(2) + 6) | (digit(3) + 6) | (digit(5) + 6) | (digit(6) + 6)
        let year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3)
        let month = digit(5) * 10 + digit(6)
        guard bad & ~0xF == 0, month >= 1, month <= 12, year >= 1900, year <= 2199,
            let (day, secondOfDay) = commonDayAndTime(b)
        else { return nil }
        // `CivilDate`'s checks and day count, written out here for a four-digit year: this runs for every timestamp
        // of tens of millions of rows, and the calls to the general ones cost more than the arithmetic.
        let isLeap = year & 3 == 0 && (year % 100 != 0 || year % 400 == 0)
        let monthDays = month == 2 ? (isLeap ? 29 : 28) : 30 + ((month + month >> 3) & 1)
        guard day <= monthDays else { return nil }
        // Howard Hinnant's days_from_civil with the year starting in March, as `CivilDate.daysSinceEpoch`.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Timestamp(seconds: Int64(days) * 86_400 + Int64(secondOfDay))
    }

    /// The day of the month (1...99, not checked against the month) and the second of the day of a timestamp in a
    /// common form (`parseCommonForm`), read from bytes 8 on; `nil` if they are not digits, the separators are not
    /// `T : : Z`, or the time is out of range. Shared with `TimestampColumnParser`, which knows the month already.
    @inlinable @inline(__always)
    static func commonDayAndTime(_ b: UnsafeBufferPointer<UInt8>) -> (day: Int, secondOfDay: Int)? {
        @inline(__always) func digit(_ i: Int) -> Int { Int(b[i] &- 48) }
        var bad = (digit(8) &+ 6) | (digit(9) &+ 6)
        let day = digit(8) &* 10 &+ digit(9)
        var secondOfDay = 0
        if b.count == 20 {
            guard b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b[19] == 0x5A else { return nil }  // T : : Z
            bad |= (digit(11) &+ 6) | (digit(12) &+ 6) | (digit(14) &+ 6) | (digit(15) &+ 6) | (digit(17) &+ 6)
                | (digit(18) &+ 6)
            let hour = digit(11) &* 10 &+ digit(12)
            let minute = digit(14) &* 10 &+ digit(15)
            let second = digit(17) &* 10 &+ digit(18)
            guard hour < 24, minute < 60, second < 60 else { return nil }
            secondOfDay = hour &* 3600 &+ minute &* 60 &+ second
        }
        guard bad & ~0xF == 0, day >= 1 else { return nil }
        return (day, secondOfDay)
    }
}
