import VitalsCore

/// One record being read: a row of a CSV file, or an object of a JSON body or an NDJSON file. The readers of the record
/// kinds (`RecordReader`) take every value through the methods below, which check it and log what is wrong with it
/// under its column, so that each problem gets the same message from every source.
protocol RecordRow {
    /// The file (or, for a request body, the kind's file) being read.
    var file: String { get }
    /// Where the current record is: its line in a file, its element in a request body.
    var line: Int { get }
    /// Whether the current record has a problem (it is then skipped).
    var rowFailed: Bool { get }
    /// Fields that are not canonical columns (custom attributes, event properties), with their positions.
    var extraColumns: [(name: String, index: Int)] { get }
    /// Moves to the next record; false at the end (or where the rest cannot be read, which is logged).
    mutating func next() -> Bool
    mutating func fail(_ column: String?, _ reason: String)
    /// Where a column is in every record read, if any record has it.
    func position(of column: String) -> Int?
    /// Whether the current record has a value (not empty, not null) at `position`.
    func hasValue(at position: Int?) -> Bool
    /// Calls `body` with the UTF-8 bytes of the trimmed value at `position`, or with `nil` when there is none.
    func withField<R>(at position: Int?, _ body: (UnsafeBufferPointer<UInt8>?) -> R) -> R
    /// The trimmed value at `position` as text, `nil` when there is none.
    func text(at position: Int?) -> String?
    /// The value of the extra field at `index` as text, `nil` when there is none.
    func extraText(at index: Int) -> String?
}

/// Whether an id holds a control character (a NUL among them), which ids may not: the tools they go on to would cut
/// or misread them. One rule for every reader, fast or general.
func hasControlCharacter(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    for byte in bytes where byte < 0x20 || byte == 0x7F { return true }
    return false
}

func hasControlCharacter(_ text: String) -> Bool { text.utf8.contains { $0 < 0x20 || $0 == 0x7F } }

extension RecordRow {
    /// The raw text of a column in this record, `nil` if the column is absent or the field empty.
    func text(_ column: String) -> String? { text(at: position(of: column)) }

    func extras() -> [String: String] {
        var values: [String: String] = [:]
        for (name, index) in extraColumns {
            if let value = extraText(at: index) { values[name] = value }
        }
        return values
    }

    /// Logs "a value is required" when the field at `position` is absent or empty.
    mutating func require(at position: Int?, _ column: String) {
        if !hasValue(at: position) { fail(column, "a value is required") }
    }

    /// The timestamp in the field at `position`; logs a bad one under `column`.
    mutating func timestamp(at position: Int?, column: String) -> Timestamp? {
        let result: Result<Timestamp, Timestamp.ParseError>? = withField(at: position) { bytes in
            bytes.map { b in Result { () throws(Timestamp.ParseError) in try Timestamp.parse(utf8: b) } }
        }
        switch result {
        case .none: return nil
        case .success(let timestamp): return timestamp
        case .failure(let error):
            fail(column, error.description)
            return nil
        }
    }

    mutating func required(_ column: String) -> String { required(column, at: position(of: column)) }

    /// `required(column)` with the column's position looked up already (readers of large files look up once).
    mutating func required(_ column: String, at position: Int?) -> String {
        guard let value = text(at: position) else {
            fail(column, "a value is required")
            return ""
        }
        return value
    }

    mutating func timestamp(_ column: String, required: Bool = false) -> Timestamp? {
        timestamp(column, at: position(of: column), required: required)
    }

    mutating func timestamp(_ column: String, at position: Int?, required: Bool = false) -> Timestamp? {
        guard hasValue(at: position) else {
            if required { _ = self.required(column, at: position) }
            return nil
        }
        return timestamp(at: position, column: column)
    }

    mutating func currency(_ column: String = "currency", required: Bool = true) -> CurrencyCode? {
        guard let value = required ? self.required(column) : text(column), !value.isEmpty else { return nil }
        guard let code = CurrencyCode(value) else {
            fail(column, "'\(value)' is not an ISO 4217 currency code")
            return nil
        }
        return code
    }

    mutating func money(_ column: String, currency: CurrencyCode?, required: Bool = true) -> Money? {
        guard let value = required ? self.required(column) : text(column), !value.isEmpty, let currency else { return nil }
        do {
            return try Money.parse(value, currency: currency)
        } catch {
            fail(column, error.description)
            return nil
        }
    }

    mutating func integer(_ column: String, default fallback: Int? = nil, range: ClosedRange<Int>? = nil) -> Int? {
        integer(column, at: position(of: column), default: fallback, range: range)
    }

    mutating func integer(
        _ column: String, at position: Int?, default fallback: Int? = nil, range: ClosedRange<Int>? = nil
    ) -> Int? {
        // Parsed from the bytes: most fields are plain numbers, and no string need be made for them.
        let parsed = withField(at: position) { bytes in
            bytes.map { FastNumber.parse($0).flatMap { $0 == $0.rounded() ? Int(exactly: $0) : nil } }
        }
        guard let parsed else { return fallback }
        guard let number = parsed else {
            fail(column, "'\(text(at: position) ?? "")' is not a whole number")
            return fallback
        }
        if let range, !range.contains(number) {
            fail(column, "\(number) is outside \(range.lowerBound)...\(range.upperBound)")
            return fallback
        }
        return number
    }

    mutating func decimal(_ column: String, required: Bool = false) -> Double? {
        decimal(column, at: position(of: column), required: required)
    }

    mutating func decimal(_ column: String, at position: Int?, required: Bool = false) -> Double? {
        let parsed = withField(at: position) { bytes in bytes.map(FastNumber.parse) }
        guard let parsed else {
            if required { fail(column, "a value is required") }
            return nil
        }
        guard let number = parsed else {
            fail(column, "'\(text(at: position) ?? "")' is not a number")
            return nil
        }
        return number
    }

    mutating func boolean(_ column: String) -> Bool? { boolean(column, at: position(of: column)) }

    mutating func boolean(_ column: String, at position: Int?) -> Bool? {
        guard let value = text(at: position) else { return nil }
        guard let flag = FastCSVRows.boolean(value) else {
            fail(column, "'\(value)' is not true or false")
            return nil
        }
        return flag
    }

    mutating func choice<E: RawRepresentable & CaseIterable>(_ column: String, default fallback: E? = nil) -> E?
    where E.RawValue == String {
        choice(column, at: position(of: column), default: fallback)
    }

    mutating func choice<E: RawRepresentable & CaseIterable>(_ column: String, at position: Int?, default fallback: E? = nil)
        -> E?
    where E.RawValue == String {
        guard let value = fallback == nil ? required(column, at: position) : text(at: position), !value.isEmpty else {
            return fallback
        }
        guard let parsed = E(rawValue: value) ?? E(rawValue: value.lowercased()) else {
            fail(column, "'\(value)' is not one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return parsed
    }
}
