import VitalsCore

/// How the records of a kind are kept in their snapshot section, worked out from the kind's fields (`RecordLayout`)
/// so that no column is named here: the record count, then each record's fields in order. Text as UTF-8 with its
/// length, a word of a fixed set as its position in the set, numbers and instants fixed-width, accounts by index,
/// money as minor units and the position of its currency in the snapshot's list; an optional value behind a flag.
struct SnapshotFieldCodec: Sendable {
    let storage: FieldStorage
    let optional: Bool
    /// The words of a column of fixed words, kept as their position (`noWord` for none).
    let words: [String]?
    private let positions: [String: UInt8]

    static let noWord: UInt8 = 0xFF
    static let noAccount: Int32 = -1

    init(_ column: RecordColumn, storage: FieldStorage, optional: Bool) {
        self.storage = storage
        self.optional = optional
        if case .choice(let words) = column.type, words.count < Int(Self.noWord) {
            self.words = words
            positions = Dictionary(uniqueKeysWithValues: words.enumerated().map { ($1, UInt8($0)) })
        } else {
            words = nil
            positions = [:]
        }
    }

    /// What the head of a snapshot says about the field: a build whose fields differ does not read the snapshot.
    var signature: String {
        "\(storage.rawValue)\(optional ? "?" : "")" + (words.map { "(" + $0.joined(separator: ",") + ")" } ?? "")
    }

    func put(_ value: FieldValue, currencies: [String: Int], _ w: inout SnapshotWriter) {
        switch storage {
        case .text:
            var text: String?
            if case .text(let t) = value { text = t }
            if words != nil {
                // A word outside the set cannot be in a record a reader checked; kept as none rather than misread.
                w.put(text.flatMap { positions[$0] } ?? Self.noWord)
            } else if optional {
                w.put(text)
            } else {
                w.put(text ?? "")
            }
        case .integer:
            var n: Int64?
            if case .integer(let v) = value { n = v }
            if optional { w.put(n) } else { w.put(n ?? 0) }
        case .number:
            var x: Double?
            if case .number(let v) = value { x = v }
            if optional { w.put(x != nil) }
            if !optional || x != nil { w.put(x ?? 0) }
        case .flag:
            var flag: Bool?
            if case .flag(let v) = value { flag = v }
            w.put(UInt8(flag.map { $0 ? 1 : 0 } ?? 2))
        case .time:
            var t: Int64?
            if case .time(let v) = value { t = v.seconds }
            if optional { w.put(t) } else { w.put(t ?? 0) }
        case .account:
            if case .account(let a) = value { w.put(a.value) } else { w.put(Self.noAccount) }
        case .money:
            var money: Money?
            if case .money(let m) = value { money = m }
            if optional { w.put(money != nil) }
            if let money {
                w.put(money.minorUnits)
                w.count(currencies[money.currency.code] ?? 0)
            } else if !optional {
                w.put(Int64(0))
                w.count(0)
            }
        }
    }

    func get(_ r: inout SnapshotReader, currencies: [CurrencyCode], accountCount: Int) throws(SnapshotReader.Damaged)
        -> FieldValue
    {
        typealias Damaged = SnapshotReader.Damaged
        switch storage {
        case .text:
            if let words {
                let k = try r.get(UInt8.self)
                if k == Self.noWord && optional { return .null }
                guard Int(k) < words.count else { throw Damaged(description: "a word's code is out of range") }
                return .text(words[Int(k)])
            }
            if optional { return try r.optionalString().map(FieldValue.text) ?? .null }
            return .text(try r.string())
        case .integer:
            if optional { return try r.optionalInt64().map(FieldValue.integer) ?? .null }
            return .integer(try r.get(Int64.self))
        case .number:
            if optional, !(try r.bool()) { return .null }
            return .number(try r.double())
        case .flag:
            switch try r.get(UInt8.self) {
            case 0: return .flag(false)
            case 1: return .flag(true)
            case 2 where optional: return .null
            default: throw Damaged(description: "a flag is not 0, 1 or 2")
            }
        case .time:
            if optional { return try r.optionalInt64().map { .time(Timestamp(seconds: $0)) } ?? .null }
            return .time(Timestamp(seconds: try r.get(Int64.self)))
        case .account:
            let a = try r.get(Int32.self)
            if a == Self.noAccount && optional { return .null }
            guard a >= 0, Int(a) < accountCount else { throw Damaged(description: "account \(a) out of range") }
            return .account(AccountIndex(Int(a)))
        case .money:
            if optional, !(try r.bool()) { return .null }
            let minor = try r.get(Int64.self)
            let k = try r.count()
            guard k < currencies.count else { throw Damaged(description: "currency \(k) out of range") }
            return .money(Money(minorUnits: minor, currency: currencies[k]))
        }
    }
}

extension RecordLayoutProtocol {
    var snapshotCodecs: [SnapshotFieldCodec] {
        fields.map { SnapshotFieldCodec($0.column, storage: $0.storage, optional: $0.optional) }
    }

    /// The fields as the head of a snapshot lists them.
    var snapshotSignature: String {
        zip(fields, snapshotCodecs).map { "\($0.name) \($1.signature)" }.joined(separator: "; ")
    }

    /// The currencies of the kind's money in `dataset`.
    func currencies(in dataset: Dataset) -> Set<String> {
        guard let records, fields.contains(where: { $0.storage == .money }) else { return [] }
        var codes: Set<String> = []
        for record in dataset[keyPath: records] {
            for field in fields where field.storage == .money {
                if case .money(let m) = field.get(record) { codes.insert(m.currency.code) }
            }
        }
        return codes
    }

    /// Writes `records` (the kind's records), each field by its codec.
    func writeSnapshot(_ records: [Record], currencies: [String: Int], _ w: inout SnapshotWriter) {
        let codecs = snapshotCodecs
        w.count(records.count)
        for record in records {
            for (field, codec) in zip(fields, codecs) { codec.put(field.get(record), currencies: currencies, &w) }
        }
    }

    /// Reads what `writeSnapshot` wrote.
    func readSnapshot(_ r: inout SnapshotReader, currencies: [CurrencyCode], accountCount: Int)
        throws(SnapshotReader.Damaged) -> [Record]
    {
        let codecs = snapshotCodecs
        let n = try r.count()
        var out: [Record] = []
        out.reserveCapacity(min(n, 1 << 24))
        for _ in 0..<n {
            var record = blank
            for (field, codec) in zip(fields, codecs) {
                let value = try codec.get(&r, currencies: currencies, accountCount: accountCount)
                guard field.set(&record, value) else {
                    throw SnapshotReader.Damaged(description: "\(field.name) cannot hold \(value)")
                }
            }
            out.append(record)
        }
        return out
    }

    /// Reads the kind's section into a change of the dataset (for kinds a dataset keeps in an array).
    func snapshotPart(_ r: inout SnapshotReader, currencies: [CurrencyCode], accountCount: Int)
        throws(SnapshotReader.Damaged) -> SnapshotTables.Part
    {
        let values = try readSnapshot(&r, currencies: currencies, accountCount: accountCount)
        guard let records else { return .records { _ in } }
        nonisolated(unsafe) let path = records  // a key path is immutable
        return .records { $0[keyPath: path] = values }
    }
}
