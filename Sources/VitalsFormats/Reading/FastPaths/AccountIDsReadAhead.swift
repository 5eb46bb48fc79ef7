import VitalsCore

/// The account ids of accounts.csv read on their own, ahead of the file: what the usage events need to start.
///
/// usage_events.csv (most of a dataset's rows) is decoded with the accounts' indices, which are their ids' order in
/// accounts.csv. Reading that file whole takes a tenth of a second on 100,000 accounts, during which a second core
/// would wait; its ids alone take a few milliseconds. They are a guess, not the reader's word: the loader uses what
/// was decoded with them only if the reader then gives the accounts exactly these ids in this order (the usual case:
/// a file with no problem), and decodes the usage events again otherwise.
enum AccountIDsReadAhead {
    /// The trimmed, non-empty `account_id` of each row of the CSV in `bytes`, interned in file order; `nil` when the
    /// header has no such column or a row is malformed or lacks it.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> StringInterner? {
        var scanner = CSVRowScanner(bytes)
        let capacity = 64
        return withUnsafeTemporaryAllocation(of: CSVParser.Field.self, capacity: capacity) { fields -> StringInterner? in
            guard case .fields(let n) = scanner.next(into: fields), n <= capacity,
                let column = fields.prefix(n).firstIndex(where: {
                    scanner.string($0).trimmingWhitespace().lowercased() == "account_id"
                })
            else { return nil }
            var keys = StringInterner(expected: RecordReader.estimatedRows(bytes))
            while true {
                switch scanner.next(into: fields) {
                case .end: return keys
                case .malformed: return nil
                case .fields(let n):
                    guard column < min(n, capacity) else { return nil }
                    let field = scanner.trimmed(fields[column])
                    guard field.end > field.start else { return nil }
                    scanner.withBytes(field) { _ = keys.index(of: $0) }
                }
            }
        }
    }
}
