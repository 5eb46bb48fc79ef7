/// A fast reader for the common shape of records sent as JSON: flat objects whose values are ASCII strings with the
/// usual escapes, integers, booleans or null. It gives exactly what `RecordsJSON.csv` gives through Foundation's
/// parser for such bodies, without building a dictionary and boxed values per record, and gives up (`nil`) on
/// anything else (nested values, fractions and exponents, `\u` escapes, non-ASCII bytes, a repeated key, bad JSON),
/// which then takes the general path with its messages.
struct FlatJSONRecords {
    /// One object: its keys and values as byte ranges of `text`, in the order written.
    private struct Field {
        var key: Range<Int>
        /// `nil` for null.
        var value: Range<Int>?
    }

    /// Unescaped keys and values, back to back.
    private var text: [UInt8] = []
    private var fields: [Field] = []
    /// Where each object's fields end in `fields`.
    private var objectEnds: [Int] = []

    /// The CSV and record count of `body`, or `nil` when it is not of the simple shape.
    static func csv(from body: [UInt8], ndjson: Bool) -> (csv: [UInt8], count: Int)? {
        var records = FlatJSONRecords()
        records.text.reserveCapacity(body.count)
        let parsed = body.withUnsafeBufferPointer { bytes in
            // In NDJSON a line feed ends a record, so it is no space inside one.
            var parser = Parser(bytes: bytes, lineFeedIsSpace: !ndjson)
            return ndjson ? records.readLines(&parser) : records.readArray(&parser)
        }
        guard parsed else { return nil }
        return (records.csv(), records.objectEnds.count)
    }

    private mutating func readLines(_ p: inout Parser) -> Bool {
        while true {
            p.skipSpace()
            if p.atEnd { return true }
            if p.peek == 0x0A {
                p.advance()
                continue
            }
            guard readObject(&p) else { return false }
            p.skipSpace()
            if p.atEnd { return true }
            guard p.peek == 0x0A else { return false }
            p.advance()
        }
    }

    private mutating func readArray(_ p: inout Parser) -> Bool {
        p.skipSpace()
        guard p.take(0x5B) else { return false }
        p.skipSpace()
        if !p.take(0x5D) {
            repeat {
                p.skipSpace()
                guard readObject(&p) else { return false }
                p.skipSpace()
            } while p.take(0x2C)
            guard p.take(0x5D) else { return false }
        }
        p.skipSpace()
        return p.atEnd
    }

    private mutating func readObject(_ p: inout Parser) -> Bool {
        guard p.take(0x7B) else { return false }
        let first = fields.count
        p.skipSpace()
        if !p.take(0x7D) {
            repeat {
                p.skipSpace()
                guard let key = p.string(into: &text) else { return false }
                for field in fields[first...] where text[field.key].elementsEqual(text[key]) { return false }
                p.skipSpace()
                guard p.take(0x3A) else { return false }
                p.skipSpace()
                guard let value = p.scalar(into: &text) else { return false }
                fields.append(Field(key: key, value: value))
                p.skipSpace()
            } while p.take(0x2C)
            guard p.take(0x7D) else { return false }
        }
        objectEnds.append(fields.count)
        return true
    }

    /// The CSV `RecordsJSON.csv` writes: a header of every key in order of first appearance (each object's keys
    /// sorted), then one row per object with null and absent keys empty.
    private func csv() -> [UInt8] {
        text.withUnsafeBufferPointer { text in
            func bytes(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: text[range]) }
            var columns: [Range<Int>] = []
            // The column of each field. Objects mostly repeat one shape, so the search starts at the column the
            // same position had in the object before.
            var columnOfField = [Int](repeating: -1, count: fields.count)
            var start = 0
            var previous: [Int] = []
            for end in objectEnds {
                var new: [Int] = []
                for (position, k) in (start..<end).enumerated() {
                    let key = bytes(fields[k].key)
                    let hint = position < previous.count ? previous[position] : 0
                    if hint < columns.count, bytes(columns[hint]).elementsEqual(key) {
                        columnOfField[k] = hint
                    } else if let found = columns.firstIndex(where: { bytes($0).elementsEqual(key) }) {
                        columnOfField[k] = found
                    } else {
                        new.append(k)
                    }
                }
                // New keys become columns in sorted order (ASCII here, so byte order is Swift's string order).
                new.sort { bytes(fields[$0].key).lexicographicallyPrecedes(bytes(fields[$1].key)) }
                for k in new {
                    columnOfField[k] = columns.count
                    columns.append(fields[k].key)
                }
                previous = (start..<end).map { columnOfField[$0] }
                start = end
            }
            var out = CSVOutput(capacity: text.count + 8 * fields.count + 64)
            for (i, column) in columns.enumerated() { out.field(bytes: bytes(column), last: i == columns.count - 1) }
            var row = [Range<Int>?](repeating: nil, count: columns.count)
            start = 0
            for end in objectEnds {
                for i in row.indices { row[i] = nil }
                for k in start..<end { row[columnOfField[k]] = fields[k].value }
                for (i, value) in row.enumerated() {
                    out.field(bytes: value.map(bytes) ?? UnsafeBufferPointer(start: nil, count: 0), last: i == row.count - 1)
                }
                start = end
            }
            return Array(out.buffer)
        }
    }
}

/// A cursor over JSON bytes that reads only the simple shapes `FlatJSONRecords` takes.
private struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    let lineFeedIsSpace: Bool
    var at = 0

    var atEnd: Bool { at >= bytes.count }
    var peek: UInt8 { bytes[at] }
    mutating func advance() { at += 1 }

    mutating func take(_ byte: UInt8) -> Bool {
        guard at < bytes.count, bytes[at] == byte else { return false }
        at += 1
        return true
    }

    /// Spaces, tabs, CRs, and line feeds where they are space.
    mutating func skipSpace() {
        while at < bytes.count,
            bytes[at] == 0x20 || bytes[at] == 0x0D || bytes[at] == 0x09 || (bytes[at] == 0x0A && lineFeedIsSpace)
        {
            at += 1
        }
    }

    /// A string, unescaped and appended to `out`; its range there.
    mutating func string(into out: inout [UInt8]) -> Range<Int>? {
        guard take(0x22) else { return nil }
        let start = out.count
        while at < bytes.count {
            let byte = bytes[at]
            at += 1
            switch byte {
            case 0x22: return start..<out.count
            case 0x5C:
                guard at < bytes.count else { return nil }
                let escaped: UInt8
                switch bytes[at] {
                case 0x22, 0x5C, 0x2F: escaped = bytes[at]
                case 0x62: escaped = 0x08
                case 0x66: escaped = 0x0C
                case 0x6E: escaped = 0x0A
                case 0x72: escaped = 0x0D
                case 0x74: escaped = 0x09
                default: return nil  // \u and anything invalid: the general path
                }
                at += 1
                out.append(escaped)
            case 0..<0x20, 0x80...: return nil  // control characters are invalid JSON; non-ASCII is left to Foundation
            default: out.append(byte)
            }
        }
        return nil
    }

    /// A value as the text `RecordsJSON` writes for it (`nil` range for null); `nil` when not a simple scalar.
    mutating func scalar(into out: inout [UInt8]) -> Range<Int>?? {
        guard at < bytes.count else { return nil }
        switch bytes[at] {
        case 0x22: return string(into: &out).map { .some($0) }
        case 0x74: return word("true", into: &out)
        case 0x66: return word("false", into: &out)
        case 0x6E: return word("null", into: &out) == nil ? nil : .some(nil)
        case 0x2D, 0x30...0x39: return integer(into: &out)
        default: return nil
        }
    }

    private mutating func word(_ word: StaticString, into out: inout [UInt8]) -> Range<Int>?? {
        let count = word.utf8CodeUnitCount
        guard at + count <= bytes.count else { return nil }
        for k in 0..<count where bytes[at + k] != word.utf8Start[k] { return nil }
        at += count
        let start = out.count
        out.append(contentsOf: UnsafeBufferPointer(start: word.utf8Start, count: count))
        return .some(start..<out.count)
    }

    /// An integer written as Foundation writes it back: up to 18 digits, no leading zero, no `-0`.
    private mutating func integer(into out: inout [UInt8]) -> Range<Int>?? {
        let begin = at
        _ = take(0x2D)
        let digits = at
        while at < bytes.count, (0x30...0x39).contains(bytes[at]) { at += 1 }
        let count = at - digits
        guard count > 0, count <= 18, count == 1 || bytes[digits] != 0x30 else { return nil }
        if digits > begin, count == 1, bytes[digits] == 0x30 { return nil }
        // A fraction or an exponent is left to Foundation.
        if at < bytes.count, bytes[at] == 0x2E || bytes[at] == 0x65 || bytes[at] == 0x45 { return nil }
        let start = out.count
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[begin..<at]))
        return .some(start..<out.count)
    }
}
