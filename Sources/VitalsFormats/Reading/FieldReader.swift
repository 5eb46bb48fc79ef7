import VitalsCore

extension RecordReader {
    /// Reads every column of a kind from the current record into a record of it, each value checked as its column's
    /// type says (`ColumnType`) and logged under its column's name: required values, ids (no control character, no
    /// repeat), accounts (known), timestamps, money in the row's currency (which must be convertible), whole numbers
    /// and numbers within their range, booleans, words of a fixed set. A column without a value keeps the one of
    /// `layout.blank`, which is its documented default. `nil` when the record has a problem; checks between columns
    /// are the caller's.
    ///
    /// `positions` are the columns' places in the file (`fieldPositions`, looked up once per file).
    mutating func readFields<Record, Row: RecordRow>(
        _ layout: RecordLayout<Record>, of kind: RecordKind, at positions: [Int?], _ t: inout Row
    ) -> Record? {
        let (record, _) = readFieldsChecked(layout, of: kind, at: positions, &t)
        return t.rowFailed ? nil : record
    }

    /// `readFields`, giving the record even when a value failed (that field then holds the blank's value) with the
    /// columns that failed: for checks between columns that must still run on the others, as an import reports every
    /// problem of a row.
    mutating func readFieldsChecked<Record, Row: RecordRow>(
        _ layout: RecordLayout<Record>, of kind: RecordKind, at positions: [Int?], _ t: inout Row
    ) -> (record: Record, failed: Set<String>) {
        var record = layout.blank
        var failed: Set<String> = []
        // The row's currency first: its amounts are read in its minor units.
        var currency: CurrencyCode?
        if let c = kind.columns.firstIndex(where: { $0.type == .currency }) {
            let column = kind.columns[c]
            // An optional currency is read, and then required, only with an amount (a lead's expected value).
            let amountGiven = kind.columns.contains { if case .money = $0.type { t.text($0.name) != nil } else { false } }
            if column.required || amountGiven {
                currency = convertible(t.currency(column.name, required: true), &t, column: column.name)
            }
        }
        for (i, field) in layout.fields.enumerated() {
            let column = field.column
            let name = column.name
            let at = i < positions.count ? positions[i] : nil
            var value = FieldValue.null
            // A value refused after it was read (out of range, negative, an id with a control character).
            var refused = false
            switch column.type {
            case .id:
                let id = t.required(name, at: at)
                refused = hasControlCharacter(id)
                if kind.unique == nil {
                    uniqueID(id, column: name, &t)
                } else if refused {
                    // Several records share the id (a subscription's versions): one by its `unique` columns.
                    t.fail(name, "must not contain control characters")
                }
                value = .text(id)
            case .account:
                if let a = account(&t, at: at, column: name, required: column.required) { value = .account(a) }
            case .text:
                if column.required {
                    value = .text(t.required(name, at: at))
                } else if let text = t.text(at: at) {
                    value = .text(text)
                }
            case .timestamp, .date:
                if let time = t.timestamp(name, at: at, required: column.required) { value = .time(time) }
            case .money(let nonNegative):
                if let money = t.money(name, currency: currency, required: column.required) {
                    if nonNegative, money.minorUnits < 0 {
                        t.fail(name, "must not be negative")
                        refused = true
                    }
                    value = .money(money)
                }
            case .currency:
                if let currency { value = .text(currency.code) }
            case .integer(let range):
                if column.required, !t.hasValue(at: at) { t.fail(name, "a value is required") }
                if let n = t.integer(name, at: at, range: range) { value = .integer(Int64(n)) }
            case .number(let range):
                if let x = t.decimal(name, at: at, required: column.required) {
                    if let range, !range.contains(x) {
                        refused = true
                        t.fail(name, "\(x) is outside \(ColumnType.plain(range.lowerBound))...\(ColumnType.plain(range.upperBound))")
                    }
                    value = .number(x)
                }
            case .positiveNumber:
                if let x = t.decimal(name, at: at, required: column.required) {
                    if x <= 0 {
                        t.fail(name, "must be greater than 0")
                        refused = true
                    }
                    value = .number(x)
                }
            case .boolean:
                if let flag = t.boolean(name, at: at) { value = .flag(flag) }
            case .choice(let words):
                if let text = column.required ? nonEmpty(t.required(name, at: at)) : t.text(at: at) {
                    if let word = words.first(where: { $0 == text }) ?? words.first(where: { $0 == text.lowercased() }) {
                        value = .text(word)
                    } else {
                        t.fail(name, "'\(text)' is not one of \(words.joined(separator: ", "))")
                    }
                }
            }
            if value != .null, !field.set(&record, value) {
                t.fail(name, "cannot hold this value")
                refused = true
            }
            let given = column.type == .currency ? currency != nil || t.text(name) != nil : t.hasValue(at: at)
            if refused || value == .null && (column.required || given) { failed.insert(name) }
        }
        return (record, failed)
    }

    private func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }
}
