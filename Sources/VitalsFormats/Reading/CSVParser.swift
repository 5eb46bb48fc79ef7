/// A fast RFC 4180 CSV parser over a UTF-8 byte buffer.
///
/// Fields are handed out as byte ranges into the buffer; only quoted fields with doubled quotes are copied.
/// Accepts LF and CRLF line ends, a UTF-8 byte-order mark, and quoted fields spanning lines.
public struct CSVParser {
    public let bytes: [UInt8]
    private var position = 0
    /// The 1-based line on which the row last returned by `nextRow` starts.
    public private(set) var line = 0
    private var nextLine = 1

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    }

    public enum Failure: Error, Equatable {
        case unterminatedQuote(line: Int)
        case textAfterQuote(line: Int)
    }

    /// A field's location; `escaped` fields contain doubled quotes to undo.
    public struct Field {
        public var start: Int
        public var end: Int
        public var escaped: Bool
    }

    /// Reads the next row into `fields` (cleared first). Returns false at the end of input. Blank lines are skipped.
    public mutating func nextRow(into fields: inout [Field]) throws(Failure) -> Bool {
        fields.removeAll(keepingCapacity: true)
        let count = bytes.count
        // Skip blank lines.
        while position < count, bytes[position] == 0x0A || bytes[position] == 0x0D {
            if bytes[position] == 0x0A { nextLine += 1 }
            position += 1
        }
        guard position < count else { return false }
        line = nextLine
        return try bytes.withUnsafeBufferPointer { buffer throws(Failure) -> Bool in
            var i = position
            while true {
                if i < count, buffer[i] == 0x22 {  // quoted field
                    let start = i + 1
                    var j = start
                    var escaped = false
                    while true {
                        guard j < count else { throw .unterminatedQuote(line: line) }
                        let b = buffer[j]
                        if b == 0x22 {
                            if j + 1 < count, buffer[j + 1] == 0x22 {
                                escaped = true
                                j += 2
                                continue
                            }
                            break
                        }
                        if b == 0x0A { nextLine += 1 }
                        j += 1
                    }
                    fields.append(Field(start: start, end: j, escaped: escaped))
                    i = j + 1
                    if i < count, buffer[i] == 0x0D { i += 1 }
                    guard i >= count || buffer[i] == 0x2C || buffer[i] == 0x0A else {
                        throw .textAfterQuote(line: line)
                    }
                } else {
                    let start = i
                    while i < count {
                        let b = buffer[i]
                        if b == 0x2C || b == 0x0A { break }
                        i += 1
                    }
                    var end = i
                    if end > start, buffer[end - 1] == 0x0D { end -= 1 }
                    fields.append(Field(start: start, end: end, escaped: false))
                }
                if i >= count {
                    position = i
                    return true
                }
                if buffer[i] == 0x0A {
                    nextLine += 1
                    position = i + 1
                    return true
                }
                i += 1  // comma
            }
        }
    }

    /// The field without leading and trailing spaces and tabs.
    public func trimmed(_ field: Field) -> Field {
        var f = field
        while f.start < f.end, bytes[f.start] == 0x20 || bytes[f.start] == 0x09 { f.start += 1 }
        while f.end > f.start, bytes[f.end - 1] == 0x20 || bytes[f.end - 1] == 0x09 { f.end -= 1 }
        return f
    }

    /// Calls `body` with the field's raw bytes (doubled quotes not undone).
    public func withBytes<R>(_ field: Field, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[field.start..<field.end])) }
    }

    /// The text of a field.
    public func string(_ field: Field) -> String {
        let slice = bytes[field.start..<field.end]
        guard field.escaped else { return String(decoding: slice, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(slice.count)
        var i = field.start
        while i < field.end {
            out.append(bytes[i])
            i += bytes[i] == 0x22 ? 2 : 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
