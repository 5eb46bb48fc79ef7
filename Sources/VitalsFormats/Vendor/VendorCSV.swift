import Foundation
import VitalsCore

/// A vendor's CSV export (Stripe, Zendesk, SurveyMonkey, HubSpot), read leniently: headers are matched loosely
/// (case, spacing and punctuation ignored, a ` (UTC)` suffix stripped) against a list of names per field. Every problem
/// is logged as `file:line: column: reason`, with the column named as in the file.
struct VendorCSV {
    let file: String
    /// The header as written (for SurveyMonkey, each question joined with its sub-header).
    let header: [String]
    /// Data rows with the 1-based line each starts on.
    let rows: [(line: Int, fields: [String])]
    let log: IssueLog

    /// Reads `bytes`; `headerRows` is 2 for SurveyMonkey (question, then answer option), whose cells a question's
    /// other columns leave empty: they inherit the question on their left.
    init?(file: String, bytes: [UInt8], headerRows: Int = 1, log: IssueLog) {
        self.file = file
        self.log = log
        var parser = CSVParser(bytes: bytes)
        var fields: [CSVParser.Field] = []
        var table: [(Int, [String])] = []
        do {
            while try parser.nextRow(into: &fields) {
                table.append((parser.line, fields.map { parser.string($0) }))
            }
        } catch {
            switch error {
            case .unterminatedQuote(let line): log.add(file, line, nil, "a quoted field is never closed")
            case .textAfterQuote(let line): log.add(file, line, nil, "text follows a closing quote")
            }
            return nil
        }
        guard table.count >= headerRows else {
            log.add(file, 1, nil, "the file is empty: \(headerRows == 1 ? "a header row is" : "two header rows are") required")
            return nil
        }
        var header = table[0].1.map { $0.trimmingCharacters(in: .whitespaces) }
        if headerRows == 2 {
            var question = ""
            let second = table[1].1
            header = header.indices.map { i in
                if !header[i].isEmpty { question = header[i] }
                let option = i < second.count ? second[i].trimmingCharacters(in: .whitespaces) : ""
                return option.isEmpty || option == "Response" ? question : question + " / " + option
            }
        }
        self.header = header
        rows = table.dropFirst(headerRows).map { ($0.0, $0.1) }
    }

    /// The position of the first column whose loose name is one of `names`.
    func column(_ names: [String]) -> Int? {
        let wanted = names.map(VendorCSV.loose)
        for name in wanted { if let i = header.firstIndex(where: { VendorCSV.loose($0) == name }) { return i } }
        return nil
    }

    /// Like `column`, logging a missing required column on the header line.
    func required(_ names: [String], _ label: String) -> Int? {
        guard let i = column(names) else {
            log.add(file, 1, label, "required column is missing from the header (looked for \(names.map { "'\($0)'" }.joined(separator: ", ")))")
            return nil
        }
        return i
    }

    /// The trimmed value of column `index` in `row`; `nil` when empty or absent.
    func value(_ row: [String], _ index: Int?) -> String? {
        guard let index, index < row.count else { return nil }
        let text = row[index].trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    func problem(_ line: Int, _ column: Int?, _ reason: String) {
        log.add(file, line, column.map { header[$0] }, reason)
    }

    /// A header's loose form: lower case, ` (UTC)` dropped, every run of non-alphanumerics one space.
    static func loose(_ name: String) -> String {
        var text = name.lowercased()
        if text.hasSuffix(" (utc)") { text.removeLast(6) }
        return text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: " ")
    }

    /// A vendor's field name as an attribute or property name: lower case, words joined by `_`
    /// (`Number of Employees` -> `number_of_employees`).
    static func attributeName(_ name: String) -> String { loose(name).replacingOccurrences(of: " ", with: "_") }
}

/// Date and time as vendors export them: ISO 8601 (an offset is kept), `2024-03-04 10:15[:00]`, and US
/// `03/04/2024 10:15[:00] [AM|PM]`. A time without an offset is in `timeZone` (vendors export in the account's zone).
struct VendorTime {
    var timeZone: TimeZone

    func parse(_ text: String) -> Timestamp? {
        if let iso = try? Timestamp.parse(text) { return iso }
        var t = text.trimmingCharacters(in: .whitespaces)
        var pm: Bool?
        let upper = t.uppercased()
        if upper.hasSuffix("AM") || upper.hasSuffix("PM") {
            pm = upper.hasSuffix("PM")
            t = String(t.dropLast(2)).trimmingCharacters(in: .whitespaces)
        }
        let parts = t.split(whereSeparator: { $0 == " " || $0 == "T" }).map(String.init)
        guard let datePart = parts.first, parts.count <= 2 else { return nil }
        var year = 0, month = 0, day = 0
        if datePart.contains("-") {
            let d = datePart.split(separator: "-").compactMap { Int($0) }
            guard d.count == 3 else { return nil }
            (year, month, day) = (d[0], d[1], d[2])
        } else if datePart.contains("/") {
            let d = datePart.split(separator: "/").compactMap { Int($0) }
            guard d.count == 3 else { return nil }
            (month, day, year) = (d[0], d[1], d[2])
        } else {
            return nil
        }
        var hour = 0, minute = 0, second = 0
        if parts.count == 2 {
            let c = parts[1].split(separator: ":").map { Int($0) }
            guard c.count >= 2, c.count <= 3, c.allSatisfy({ $0 != nil }) else { return nil }
            (hour, minute, second) = (c[0]!, c[1]!, c.count == 3 ? c[2]! : 0)
            if let pm {
                guard (1...12).contains(hour) else { return nil }
                hour = hour % 12 + (pm ? 12 : 0)
            }
        }
        let date = CivilDate(year: year, month: month, day: day)
        guard date.isValid, Timestamp.supportedYears.contains(year), (0..<24).contains(hour), (0..<60).contains(minute), (0..<61).contains(second) else { return nil }
        let local = Timestamp(date).seconds + Int64(hour * 3600 + minute * 60 + second)
        // The zone's offset at that local time (checked at the instant it would be in UTC, then corrected).
        let guess = Date(timeIntervalSince1970: TimeInterval(local))
        let offset = Int64(timeZone.secondsFromGMT(for: guess.addingTimeInterval(-TimeInterval(timeZone.secondsFromGMT(for: guess)))))
        return Timestamp(seconds: local - offset)
    }
}

/// Finds the account a vendor row names: by account id, else by name (ignoring case) when exactly one account has
/// it. Unknown names become new accounts when `create`, else problems.
struct AccountMatcher {
    private(set) var dataset: Dataset
    private var byName: [String: [AccountIndex]] = [:]
    let create: Bool

    init(known: [Account], create: Bool) {
        var dataset = Dataset()
        for account in known { dataset.upsert(account) }
        self.dataset = dataset
        self.create = create
        for (i, a) in dataset.accounts.enumerated() { byName[a.name.lowercased(), default: []].append(AccountIndex(i)) }
    }

    /// The account named `text`, or the reason there is none.
    mutating func account(_ text: String) -> Result<AccountIndex, VendorRowProblem> {
        if let index = dataset.index(of: AccountID(text)) { return .success(index) }
        let named = byName[text.lowercased()] ?? []
        if named.count == 1 { return .success(named[0]) }
        if named.count > 1 {
            return .failure(VendorRowProblem(reason: "'\(text)' is the name of \(named.count) accounts (\(named.map { dataset[$0].id.rawValue }.joined(separator: ", "))): use the account id"))
        }
        guard create else {
            return .failure(VendorRowProblem(reason: "unknown account '\(text)' (no account has this id or name; import the accounts first, or pass --create-accounts)"))
        }
        let index = dataset.upsert(Account(id: AccountID(text), name: text))
        byName[text.lowercased()] = [index]
        return .success(index)
    }
}

struct VendorRowProblem: Error {
    var reason: String
}
