import Foundation
import VitalsCore

/// Records given as JSON, read as `RecordRow`s: a request body (a JSON array of objects, or NDJSON) or an NDJSON file
/// (usage_events.ndjson). Each object is one record whose fields are the kind's columns; the same checks as for a CSV
/// file apply, through the same methods, so each problem gets the same message.
///
/// Values become the text a CSV field would hold: a string as itself, a number as written (one with an exponent as a
/// plain decimal), `true`/`false`, and null as no value. An object or array is kept as its JSON text in a field that is
/// not a column (an event property, a custom attribute); in a column it is an error.
struct JSONTable: RecordRow {
    /// A body that is not JSON of the expected shape; nothing of it is read.
    struct Malformed: Error, Sendable, CustomStringConvertible, Equatable {
        var description: String
    }

    /// How the records are laid out, and how they are numbered in messages.
    enum Layout {
        /// A JSON array of objects, numbered from 0 (element 0 is the first).
        case array
        /// One object a line, numbered from 0 as the objects of a request body; a line that is no object is malformed.
        case ndjsonBody
        /// One object a line, numbered by line from 1 as a file; a line that is no object is logged and skipped.
        case ndjsonFile
    }

    private enum Value: UInt8 { case text, nested, null }

    private struct Field {
        var key: Int32
        var value: Value
        /// Where the value's text is in `text`.
        var start: Int32
        var end: Int32
    }

    let file: String
    let log: IssueLog
    private(set) var rowFailed = false
    let extraColumns: [(name: String, index: Int)]
    /// Every key of every object, in order of first appearance, and their positions.
    private let keys: [String]
    private let positions: [String: Int]
    private let known: [Bool]
    /// Unescaped values, back to back.
    private let text: [UInt8]
    private let fields: [Field]
    /// Where each object's fields end in `fields`, and where each object is (element or line).
    private let objectEnds: [Int]
    private let objectLines: [Int]
    /// The first key an object repeats, by object.
    private let repeatedKeys: [Int: Int]
    private var current = -1
    private var currentFields = 0..<0

    /// The number of records.
    var count: Int { objectEnds.count }
    var line: Int { current >= 0 && current < objectLines.count ? objectLines[current] : 0 }

    /// Parses `bytes` as records of `kind` (named `file` in messages).
    init(file: String, kind: RecordKind, bytes: [UInt8], layout: Layout, log: IssueLog) throws(Malformed) {
        self.file = file
        self.log = log
        var parser = Parser()
        try bytes.withUnsafeBufferPointer { bytes throws(Malformed) in
            var reader = Reader(bytes: bytes)
            switch layout {
            case .array: try parser.readArray(&reader)
            case .ndjsonBody, .ndjsonFile: try parser.readLines(&reader, file: layout == .ndjsonFile ? (file, log) : nil)
            }
        }
        text = parser.text
        fields = parser.fields
        objectEnds = parser.objectEnds
        objectLines = parser.objectLines
        repeatedKeys = parser.repeatedKeys
        let keys = parser.keys
        self.keys = keys
        positions = parser.positions
        let columns = Set(kind.columns.map(\.name))
        known = keys.map { columns.contains($0) }
        extraColumns = kind.otherColumns == nil ? [] : keys.indices.filter { !columns.contains(keys[$0]) }.map { (keys[$0], $0) }
    }

    mutating func next() -> Bool {
        rowFailed = false
        current += 1
        guard current < objectEnds.count else { return false }
        currentFields = (current == 0 ? 0 : objectEnds[current - 1])..<objectEnds[current]
        if let key = repeatedKeys[current] { fail(keys[key], "appears twice in the object") }
        for k in currentFields where fields[k].value == .nested && known[Int(fields[k].key)] {
            fail(keys[Int(fields[k].key)], "must be a string, number, boolean or null")
        }
        return true
    }

    mutating func fail(_ column: String?, _ reason: String) {
        rowFailed = true
        log.add(file, line, column, reason)
    }

    func position(of column: String) -> Int? { positions[column] }

    /// The current object's field at `position`, if it has one that is not null.
    private func field(at position: Int?) -> Field? {
        guard let position else { return nil }
        for k in currentFields where Int(fields[k].key) == position { return fields[k].value == .null ? nil : fields[k] }
        return nil
    }

    /// The field's value, trimmed of spaces and tabs as a CSV field is.
    private func trimmed(_ field: Field) -> Range<Int> {
        var start = Int(field.start)
        var end = Int(field.end)
        while start < end, text[start] == 0x20 || text[start] == 0x09 { start += 1 }
        while end > start, text[end - 1] == 0x20 || text[end - 1] == 0x09 { end -= 1 }
        return start..<end
    }

    func hasValue(at position: Int?) -> Bool { field(at: position).map { !trimmed($0).isEmpty } ?? false }

    func withField<R>(at position: Int?, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        guard let field = field(at: position) else { return body(nil) }
        let range = trimmed(field)
        guard !range.isEmpty else { return body(nil) }
        return text.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    func text(at position: Int?) -> String? {
        guard let field = field(at: position) else { return nil }
        let range = trimmed(field)
        return range.isEmpty ? nil : String(decoding: text[range], as: UTF8.self)
    }

    func extraText(at index: Int) -> String? {
        guard let field = field(at: index), field.end > field.start else { return nil }
        return String(decoding: text[Int(field.start)..<Int(field.end)], as: UTF8.self)
    }

    // MARK: - Parsing

    /// Collects the objects' fields.
    private struct Parser {
        var text: [UInt8] = []
        var fields: [Field] = []
        var objectEnds: [Int] = []
        var objectLines: [Int] = []
        var repeatedKeys: [Int: Int] = [:]
        var keys: [String] = []
        var positions: [String: Int] = [:]
        private var keyBytes: [UInt8] = []

        mutating func readArray(_ r: inout Reader) throws(Malformed) {
            r.skipSpace()
            guard r.take(0x5B) else {
                throw Malformed(description: r.atEnd ? "the body is empty: send a JSON array of objects" : "the body must be a JSON array of objects")
            }
            r.skipSpace()
            if !r.take(0x5D) {
                var element = 0
                repeat {
                    r.skipSpace()
                    guard !r.atEnd, r.peek == 0x7B else {
                        // Anything else is no object, if it is JSON at all.
                        try Self.skipValue(&r, element: element)
                        throw Malformed(description: "element \(element) is not a JSON object")
                    }
                    try readObject(&r, place: element, element: element)
                    element += 1
                    r.skipSpace()
                } while r.take(0x2C)
                guard r.take(0x5D) else { throw r.malformed("',' or ']' expected after element \(element - 1)") }
            }
            r.skipSpace()
            guard r.atEnd else { throw r.malformed("text after the array") }
        }

        /// NDJSON: each line that is not blank holds one object. With `file`, a line that does not is logged there
        /// and skipped; without, the body is malformed.
        mutating func readLines(_ r: inout Reader, file: (name: String, log: IssueLog)?) throws(Malformed) {
            var lineNumber = 0
            var element = 0
            while !r.atEnd {
                lineNumber += 1
                let lineEnd = r.bytes[r.at...].firstIndex(of: 0x0A) ?? r.bytes.count
                var line = Reader(bytes: r.bytes, at: r.at, end: lineEnd)
                r.at = min(lineEnd + 1, r.bytes.count)
                line.skipSpace()
                if line.atEnd { continue }
                let mark = (fields.count, text.count, keys.count)
                do throws(Malformed) {
                    guard line.peek == 0x7B else { throw line.malformed("not an object") }
                    try readObject(&line, place: file == nil ? element : lineNumber, element: element)
                    line.skipSpace()
                    guard line.atEnd else { throw line.malformed("text after the object") }
                    element += 1
                } catch {
                    guard let file else { throw Malformed(description: "line \(lineNumber) is not a JSON object") }
                    file.log.add(file.name, lineNumber, nil, "not a JSON object")
                    // What the line had added is dropped.
                    if objectEnds.count > element {
                        objectEnds.removeLast()
                        objectLines.removeLast()
                    }
                    repeatedKeys[element] = nil
                    fields.removeSubrange(mark.0...)
                    text.removeSubrange(mark.1...)
                    for key in keys[mark.2...] { positions[key] = nil }
                    keys.removeSubrange(mark.2...)
                }
            }
        }

        /// Reads one object at `r` (which is at its `{`), numbered `place` in messages.
        mutating func readObject(_ r: inout Reader, place: Int, element: Int) throws(Malformed) {
            _ = r.take(0x7B)
            let first = fields.count
            r.skipSpace()
            if !r.take(0x7D) {
                repeat {
                    r.skipSpace()
                    keyBytes.removeAll(keepingCapacity: true)
                    guard try r.string(into: &keyBytes) else { throw r.malformed("a quoted key expected in element \(element)") }
                    let key = position(ofKey: keyBytes)
                    if repeatedKeys[element] == nil, fields[first...].contains(where: { $0.key == key }) {
                        repeatedKeys[element] = Int(key)
                    }
                    r.skipSpace()
                    guard r.take(0x3A) else { throw r.malformed("':' expected after a key in element \(element)") }
                    r.skipSpace()
                    fields.append(try value(&r, key: key, element: element))
                    r.skipSpace()
                } while r.take(0x2C)
                guard r.take(0x7D) else { throw r.malformed("',' or '}' expected in element \(element)") }
            }
            objectEnds.append(fields.count)
            objectLines.append(place)
        }

        private mutating func position(ofKey bytes: [UInt8]) -> Int32 {
            let key = String(decoding: bytes, as: UTF8.self)
            if let known = positions[key] { return Int32(known) }
            positions[key] = keys.count
            keys.append(key)
            return Int32(keys.count - 1)
        }

        /// A field's value, its text appended to `text`.
        private mutating func value(_ r: inout Reader, key: Int32, element: Int) throws(Malformed) -> Field {
            let start = Int32(text.count)
            guard !r.atEnd else { throw r.malformed("a value expected in element \(element)") }
            switch r.peek {
            case 0x22:
                _ = try r.string(into: &text)
                return Field(key: key, value: .text, start: start, end: Int32(text.count))
            case 0x6E:
                try r.word("null")
                return Field(key: key, value: .null, start: start, end: start)
            case 0x74:
                try r.word("true")
                text.append(contentsOf: "true".utf8)
            case 0x66:
                try r.word("false")
                text.append(contentsOf: "false".utf8)
            case 0x7B, 0x5B:
                let begin = r.at
                try Self.skipValue(&r, element: element)
                text.append(contentsOf: r.bytes[begin..<r.at])
                return Field(key: key, value: .nested, start: start, end: Int32(text.count))
            default:
                let number = try r.number()
                if number.contains(where: { $0 == 0x65 || $0 == 0x45 }) {
                    // 1e3 as 1000, the decimal a CSV field would hold.
                    let written = String(decoding: number, as: UTF8.self)
                    text.append(contentsOf: (Decimal(string: written).map { "\($0)" } ?? written).utf8)
                } else {
                    text.append(contentsOf: number)
                }
            }
            return Field(key: key, value: .text, start: start, end: Int32(text.count))
        }

        /// Skips one JSON value of any shape, checking it, without recursion (a body nested a million deep is
        /// read in constant stack).
        static func skipValue(_ r: inout Reader, element: Int) throws(Malformed) {
            var scratch: [UInt8] = []
            // The open containers: true for an object.
            var open: [Bool] = []
            while true {
                r.skipSpace()
                guard !r.atEnd else { throw r.malformed("the body ends inside element \(element)") }
                // A value.
                switch r.peek {
                case 0x7B:
                    r.at += 1
                    r.skipSpace()
                    if r.take(0x7D) { break }
                    open.append(true)
                    scratch.removeAll(keepingCapacity: true)
                    guard try r.string(into: &scratch) else { throw r.malformed("a quoted key expected in element \(element)") }
                    r.skipSpace()
                    guard r.take(0x3A) else { throw r.malformed("':' expected in element \(element)") }
                    continue
                case 0x5B:
                    r.at += 1
                    r.skipSpace()
                    if r.take(0x5D) { break }
                    open.append(false)
                    continue
                case 0x22:
                    scratch.removeAll(keepingCapacity: true)
                    _ = try r.string(into: &scratch)
                case 0x74: try r.word("true")
                case 0x66: try r.word("false")
                case 0x6E: try r.word("null")
                default: _ = try r.number()
                }
                // After a value: close what ends here, or go on to the next member.
                while let isObject = open.last {
                    r.skipSpace()
                    if r.take(0x2C) {
                        if isObject {
                            r.skipSpace()
                            scratch.removeAll(keepingCapacity: true)
                            guard try r.string(into: &scratch) else { throw r.malformed("a quoted key expected in element \(element)") }
                            r.skipSpace()
                            guard r.take(0x3A) else { throw r.malformed("':' expected in element \(element)") }
                        }
                        break
                    }
                    guard r.take(isObject ? 0x7D : 0x5D) else { throw r.malformed("',' or a closing bracket expected in element \(element)") }
                    open.removeLast()
                }
                if open.isEmpty { return }
            }
        }
    }

    /// A cursor over JSON bytes.
    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0
        var end: Int

        init(bytes: UnsafeBufferPointer<UInt8>, at: Int = 0, end: Int? = nil) {
            self.bytes = bytes
            self.at = at
            self.end = end ?? bytes.count
        }

        var atEnd: Bool { at >= end }
        var peek: UInt8 { bytes[at] }

        func malformed(_ what: String) -> Malformed {
            Malformed(description: "the body is not JSON (\(what), at byte \(at))")
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard at < end, bytes[at] == byte else { return false }
            at += 1
            return true
        }

        mutating func skipSpace() {
            while at < end, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
        }

        mutating func word(_ word: StaticString) throws(Malformed) {
            let count = word.utf8CodeUnitCount
            guard at + count <= end else { throw malformed("unexpected end") }
            for k in 0..<count where bytes[at + k] != word.utf8Start[k] { throw malformed("unexpected text") }
            at += count
        }

        /// A number, checked against JSON's grammar; its bytes as written.
        mutating func number() throws(Malformed) -> UnsafeBufferPointer<UInt8> {
            let begin = at
            func digits() -> Int {
                let from = at
                while at < end, bytes[at] >= 0x30 && bytes[at] <= 0x39 { at += 1 }
                return at - from
            }
            _ = take(0x2D)
            let integer = at
            let count = digits()
            guard count > 0, count == 1 || bytes[integer] != 0x30 else { throw malformed("not a value") }
            if take(0x2E) { guard digits() > 0 else { throw malformed("digits expected after '.'") } }
            if take(0x65) || take(0x45) {
                _ = take(0x2B) || take(0x2D)
                guard digits() > 0 else { throw malformed("digits expected in an exponent") }
            }
            return UnsafeBufferPointer(rebasing: bytes[begin..<at])
        }

        /// A string at `at`, unescaped and appended to `out`; false (having read nothing) when none starts here.
        mutating func string(into out: inout [UInt8]) throws(Malformed) -> Bool {
            guard take(0x22) else { return false }
            while at < end {
                let byte = bytes[at]
                at += 1
                switch byte {
                case 0x22: return true
                case 0x5C:
                    guard at < end else { break }
                    let escape = bytes[at]
                    at += 1
                    switch escape {
                    case 0x22, 0x5C, 0x2F: out.append(escape)
                    case 0x62: out.append(0x08)
                    case 0x66: out.append(0x0C)
                    case 0x6E: out.append(0x0A)
                    case 0x72: out.append(0x0D)
                    case 0x74: out.append(0x09)
                    case 0x75:
                        var scalar = try hex4()
                        if (0xD800..<0xDC00).contains(scalar) {
                            // A surrogate pair; a lone half is replaced, as decoders of UTF-16 do.
                            if at + 6 <= end, bytes[at] == 0x5C, bytes[at + 1] == 0x75 {
                                let save = at
                                at += 2
                                let low = try hex4()
                                if (0xDC00..<0xE000).contains(low) {
                                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                                } else {
                                    at = save
                                    scalar = 0xFFFD
                                }
                            } else {
                                scalar = 0xFFFD
                            }
                        } else if (0xDC00..<0xE000).contains(scalar) {
                            scalar = 0xFFFD
                        }
                        out.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
                    default: throw malformed("an unknown escape")
                    }
                case 0..<0x20: throw malformed("a control character in a string")
                default: out.append(byte)
                }
            }
            throw malformed("a string is never closed")
        }

        private mutating func hex4() throws(Malformed) -> UInt32 {
            guard at + 4 <= end else { throw malformed("a \\u escape needs four hex digits") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[at]
                let digit: UInt32
                switch c {
                case 0x30...0x39: digit = UInt32(c - 0x30)
                case 0x41...0x46: digit = UInt32(c - 0x37)
                case 0x61...0x66: digit = UInt32(c - 0x57)
                default: throw malformed("a \\u escape needs four hex digits")
                }
                value = value << 4 | digit
                at += 1
            }
            return value
        }
    }
}
