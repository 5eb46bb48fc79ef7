import VitalsCore

/// Reads one canonical CSV file row by row, decoding typed values (`RecordRow`) and logging every bad one with its
/// location.
struct CSVTable: RecordRow {
    let file: String
    private var parser: CSVParser
    /// Every known column (present or not) and every header column, with its position (-1 when absent). Looked up
    /// for every field of every row, so first by the two machine words of the name: a name of up to 15 bytes is
    /// stored in those words, so the literal at a call site matches without comparing text.
    private let columnWords: [(UInt64, UInt64)]
    /// `columnWords` hashed: each slot holds an entry's index + 1, or 0 when free (linear probing). A reader asks
    /// for a dozen columns on each of millions of rows, and a search along the list costs more than one probe.
    private let wordSlots: [Int32]
    private let columnNames: [String]
    private let columnPositions: [Int]
    /// Header names that are not canonical columns: custom attributes or properties.
    let extraColumns: [(name: String, index: Int)]
    private var fields: [CSVParser.Field] = []
    let log: IssueLog
    /// Whether the current row has a problem (it is then skipped).
    private(set) var rowFailed = false

    /// The line of the current row in the file.
    var line: Int { parser.line }

    /// Opens `bytes` as `file`, checking that the header has every `required` column.
    init?(file: String, bytes: [UInt8], required: [String], known: [String], log: IssueLog) {
        self.file = file
        self.log = log
        parser = CSVParser(bytes: bytes)
        var header: [CSVParser.Field] = []
        do {
            guard try parser.nextRow(into: &header) else {
                log.add(file, 1, nil, "the file is empty: a header row is required")
                return nil
            }
        } catch {
            log.add(file, 1, nil, "the header row is not valid CSV")
            return nil
        }
        var index: [String: Int] = [:]
        var extras: [(String, Int)] = []
        let knownSet = Set(known)
        for (i, field) in header.enumerated() {
            let name = parser.string(field).trimmingWhitespace().lowercased()
            if index[name] != nil {
                log.add(file, 1, name, "the column appears twice in the header")
                continue
            }
            index[name] = i
            if !knownSet.contains(name) && !name.isEmpty { extras.append((name, i)) }
        }
        let entries = index.map { ($0.key, $0.value) } + known.filter { index[$0] == nil }.map { ($0, -1) }
        columnWords = entries.map { CSVTable.words($0.0) }
        var size = 16
        while size < 4 * entries.count { size <<= 1 }
        var slots = [Int32](repeating: 0, count: size)
        for (k, words) in columnWords.enumerated() {
            var slot = CSVTable.hash(words) & (size - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = Int32(k + 1)
        }
        wordSlots = slots
        columnNames = entries.map(\.0)
        columnPositions = entries.map(\.1)
        extraColumns = extras
        let missing = required.filter { index[$0] == nil }
        for column in missing { log.add(file, 1, column, "required column is missing from the header") }
        if !missing.isEmpty { return nil }
    }

    /// Advances to the next data row; false at the end or on malformed CSV (which is logged).
    mutating func next() -> Bool {
        rowFailed = false
        do {
            return try parser.nextRow(into: &fields)
        } catch {
            switch error {
            case .unterminatedQuote(let line):
                log.add(file, line, nil, "a quoted field is never closed")
            case .textAfterQuote(let line):
                log.add(file, line, nil, "text follows a closing quote (quote the whole field and double inner quotes)")
            }
        }
        return false
    }

    mutating func fail(_ column: String?, _ reason: String) {
        rowFailed = true
        log.add(file, line, column, reason)
    }

    /// The position of a column in the header, if present.
    func position(of column: String) -> Int? {
        let words = CSVTable.words(column)
        let mask = wordSlots.count - 1
        var slot = CSVTable.hash(words) & mask
        while wordSlots[slot] != 0 {
            let entry = Int(wordSlots[slot]) - 1
            if columnWords[entry] == words { return columnPositions[entry] >= 0 ? columnPositions[entry] : nil }
            slot = (slot + 1) & mask
        }
        // The same name in other words (a string built at run time rather than a literal).
        guard let i = columnNames.firstIndex(of: column), columnPositions[i] >= 0 else { return nil }
        return columnPositions[i]
    }

    private static func hash(_ words: (UInt64, UInt64)) -> Int {
        Int(truncatingIfNeeded: ((words.0 ^ words.1 &* 0x9E37_79B9_7F4A_7C15) &* 0xC2B2_AE3D_27D4_EB4F) >> 40)
    }

    /// The two words of a `String` value: equal words mean equal strings (the converse need not hold).
    private static func words(_ text: String) -> (UInt64, UInt64) {
        withUnsafeBytes(of: text) { ($0.load(as: UInt64.self), $0.load(fromByteOffset: 8, as: UInt64.self)) }
    }

    private func field(at position: Int?) -> CSVParser.Field? {
        guard let position, position < fields.count else { return nil }
        let field = parser.trimmed(fields[position])
        return field.end > field.start ? field : nil
    }

    /// Calls `body` with the UTF-8 bytes of the trimmed field at `position` (doubled quotes undone), or with `nil`
    /// when the column is absent or the field empty. The importers' fast path: no `String` is made.
    func withField<R>(at position: Int?, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R {
        guard let field = field(at: position) else { return body(nil) }
        if field.escaped {
            var text = parser.string(field)
            return text.withUTF8 { body($0) }
        }
        return parser.withBytes(field) { body($0) }
    }

    func hasValue(at position: Int?) -> Bool { field(at: position) != nil }

    func text(at position: Int?) -> String? { field(at: position).map { parser.string($0) } }

    func extraText(at index: Int) -> String? {
        guard index < fields.count, fields[index].end > fields[index].start else { return nil }
        let value = parser.string(fields[index])
        return value.isEmpty ? nil : value
    }
}

extension String {
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        if first == startIndex && last == index(before: endIndex) { return self }
        return String(self[first...last])
    }
}
