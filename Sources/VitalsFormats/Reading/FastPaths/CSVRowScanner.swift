/// Splits CSV bytes into rows of fields exactly as `CSVParser` does (quoted fields, doubled quotes, CRLF, blank lines
/// and a byte-order mark), but over a buffer it does not own and into fixed scratch memory: the fast readers of large
/// files use it, and on anything malformed they hand the file to the general reader, which reports the problem.
struct CSVRowScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    /// Where the row last returned by `next` starts (after any blank lines before it).
    private(set) var rowStart = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    }

    /// What `next` found.
    enum Row: Equatable {
        /// A row of this many fields (those beyond the scratch's size are counted, not stored).
        case fields(Int)
        case end
        /// Malformed CSV: a quote never closed, or text after a closing quote.
        case malformed
    }

    /// Reads the next row's fields into `fields`, skipping blank lines as `CSVParser.nextRow` does.
    mutating func next(into fields: UnsafeMutableBufferPointer<CSVParser.Field>) -> Row {
        let count = bytes.count
        let b = bytes
        while position < count, b[position] == 0x0A || b[position] == 0x0D { position += 1 }
        guard position < count else { return .end }
        rowStart = position
        if let n = nextPlainRow(into: fields) { return .fields(n) }
        var n = 0
        func store(_ field: CSVParser.Field) {
            if n < fields.count { fields[n] = field }
            n += 1
        }
        var i = position
        while true {
            if i < count, b[i] == 0x22 {  // quoted field
                let start = i + 1
                var j = start
                var escaped = false
                while true {
                    guard j < count else { return .malformed }
                    if b[j] == 0x22 {
                        if j + 1 < count, b[j + 1] == 0x22 {
                            escaped = true
                            j += 2
                            continue
                        }
                        break
                    }
                    j += 1
                }
                store(CSVParser.Field(start: start, end: j, escaped: escaped))
                i = j + 1
                if i < count, b[i] == 0x0D { i += 1 }
                guard i >= count || b[i] == 0x2C || b[i] == 0x0A else { return .malformed }
            } else {
                let start = i
                i = unquotedEnd(from: i)
                var end = i
                if end > start, b[end - 1] == 0x0D { end -= 1 }
                store(CSVParser.Field(start: start, end: end, escaped: false))
            }
            if i >= count {
                position = i
                return .fields(n)
            }
            if b[i] == 0x0A {
                position = i + 1
                return .fields(n)
            }
            i += 1  // comma
        }
    }

    /// The field without leading and trailing spaces and tabs (`CSVParser.trimmed`).
    func trimmed(_ field: CSVParser.Field) -> CSVParser.Field {
        var f = field
        while f.start < f.end, bytes[f.start] == 0x20 || bytes[f.start] == 0x09 { f.start += 1 }
        while f.end > f.start, bytes[f.end - 1] == 0x20 || bytes[f.end - 1] == 0x09 { f.end -= 1 }
        return f
    }

    /// Calls `body` with the field's bytes, doubled quotes undone.
    func withBytes<R>(_ field: CSVParser.Field, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let raw = UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])
        guard field.escaped else { return body(raw) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            out.append(raw[i])
            i += raw[i] == 0x22 ? 2 : 1
        }
        return out.withUnsafeBufferPointer(body)
    }

    /// The field's text (`CSVParser.string`).
    func string(_ field: CSVParser.Field) -> String { withBytes(field) { String(decoding: $0, as: UTF8.self) } }

    /// Reads the row at `position` if it has no quote and ends in a line end with at least eight bytes to spare:
    /// its commas and line end are found eight bytes at a time, with no branch per field start. `nil` (having moved
    /// nothing) for any other row, which `next` then reads field by field.
    @inline(__always)
    private mutating func nextPlainRow(into fields: UnsafeMutableBufferPointer<CSVParser.Field>) -> Int? {
        let count = bytes.count
        let base = UnsafeRawPointer(bytes.baseAddress!)
        var n = 0
        var start = position
        var i = position
        while i + 8 <= count {
            let word = UInt64(littleEndian: (base + i).loadUnaligned(as: UInt64.self))
            guard Self.zeroBytes(word ^ 0x2222_2222_2222_2222) == 0 else { return nil }  // a quote: field by field
            // A carriage return before a comma or line end is not part of the field (as in `next`).
            func field(endingAt at: Int) {
                let end = at > start && bytes[at - 1] == 0x0D ? at - 1 : at
                if n < fields.count { fields[n] = CSVParser.Field(start: start, end: end, escaped: false) }
                n += 1
            }
            let (commas, lineEnd) = Self.commasBeforeLineEnd(in: base + i)
            var hits = commas
            while hits != 0 {
                let at = i + hits.trailingZeroBitCount / 8
                field(endingAt: at)
                start = at + 1
                hits &= hits - 1
            }
            if let lineEnd {
                field(endingAt: i + lineEnd)
                position = i + lineEnd + 1
                return n
            }
            i += 8
        }
        return nil
    }

    /// The first comma or line end at or after `start`, or the end of the bytes: eight bytes at a time while a whole
    /// word is left (fields are short, and this runs over every byte of a large file), then byte by byte.
    @inline(__always)
    private func unquotedEnd(from start: Int) -> Int {
        let count = bytes.count
        let base = UnsafeRawPointer(bytes.baseAddress!)
        var i = start
        while i + 8 <= count {
            let hits = Self.commasAndLineEnds(in: base + i)
            if hits != 0 { return i + hits.trailingZeroBitCount / 8 }
            i += 8
        }
        while i < count, bytes[i] != 0x2C, bytes[i] != 0x0A { i += 1 }
        return i
    }

    /// The commas among the eight bytes at `pointer` (the top bit of each such byte set, the first byte lowest) that
    /// come before the first line end, and the offset of that line end if there is one.
    @inline(__always)
    static func commasBeforeLineEnd(in pointer: UnsafeRawPointer) -> (commas: UInt64, lineEnd: Int?) {
        let word = UInt64(littleEndian: pointer.loadUnaligned(as: UInt64.self))
        let commas = zeroBytes(word ^ 0x2C2C_2C2C_2C2C_2C2C)
        let lineEnds = zeroBytes(word ^ 0x0A0A_0A0A_0A0A_0A0A)
        guard lineEnds != 0 else { return (commas, nil) }
        let stop = lineEnds.trailingZeroBitCount  // the top bit of the line end's byte: 7, 15, ... 63
        return (commas & ((1 &<< UInt64(stop)) &- 1), stop &>> 3)
    }

    /// A word with the top bit of each byte that is a comma or a line end set, and no other bit, for the eight
    /// bytes at `pointer` (the first in the lowest byte).
    @inline(__always)
    static func commasAndLineEnds(in pointer: UnsafeRawPointer) -> UInt64 {
        let word = UInt64(littleEndian: pointer.loadUnaligned(as: UInt64.self))
        return zeroBytes(word ^ 0x2C2C_2C2C_2C2C_2C2C) | zeroBytes(word ^ 0x0A0A_0A0A_0A0A_0A0A)
    }

    /// The top bit of each zero byte of `x`, exactly (no carries between bytes, unlike the shorter
    /// `(x - 0x01...) & ~x & 0x80...`, which can also mark a byte above a zero byte).
    @inline(__always)
    static func zeroBytes(_ x: UInt64) -> UInt64 {
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((x & low) &+ low) | x | low)
    }
}
