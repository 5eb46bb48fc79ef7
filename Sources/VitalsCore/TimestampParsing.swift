extension Timestamp {
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case malformed(String)
        case invalidDate(String)
        case missingOffset(String)

        public var description: String {
            switch self {
            case .malformed(let text):
                "'\(text)' is not an ISO 8601 date or timestamp (use 2024-03-01 or 2024-03-01T12:00:00Z)"
            case .invalidDate(let text): "'\(text)' is not a real calendar date or time"
            case .missingOffset(let text):
                "'\(text)' has a time but no UTC offset (add Z or +hh:mm)"
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
    public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) throws(ParseError) -> Timestamp {
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
        func expect(_ char: Character) -> Bool {
            guard i < bytes.count, bytes[i] == char.asciiValue! else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2) else {
            throw .malformed(String(text))
        }
        let date = CivilDate(year: year, month: month, day: day)
        guard date.isValid else { throw .invalidDate(String(text)) }
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
