import VitalsCore

/// The fast paths of the canonical files that come by the hundred thousand or the million: each reads its file with
/// `FastCSVRows` and applies only when the file has no problem at all (otherwise the general reader reads it and
/// reports every problem as ever). Usage events have their own (`UsageEventsFastCSV`).
extension RecordReader {
    /// Whether `file` has a fast path.
    static func hasFastPath(_ file: String) -> Bool {
        [
            "accounts.csv", "subscriptions.csv", "survey_responses.csv", "tickets.csv", "onboarding.csv", "leads.csv",
            "csm_pulse.csv",
        ].contains(file)
    }

    /// Reads `file` by its fast path; false (having added nothing) when it has none or it does not apply.
    mutating func readFast(file: String, bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        switch file {
        case "accounts.csv": readAccountsFast(bytes)
        case "survey_responses.csv": readSurveyResponsesFast(bytes)
        case "tickets.csv": readTicketsFast(bytes)
        case "subscriptions.csv": readSubscriptionsFast(bytes)
        case "onboarding.csv": readOnboardingFast(bytes)
        case "leads.csv": readLeadsFast(bytes)
        case "csm_pulse.csv": readCsmPulseFast(bytes)
        default: false
        }
    }

    /// The frame of a fast path: reads `file` from `bytes` with `body`, which turns the rows into records (given about
    /// how many rows there are), and adds them to the dataset's `records`. False, having added nothing, when accounts.csv
    /// was not given, the header lacks a required column or repeats one, or `body` gives up.
    mutating func readFast<Record>(
        _ file: String, _ bytes: UnsafeBufferPointer<UInt8>, into records: WritableKeyPath<Dataset, [Record]>,
        _ body: (inout FastCSVRows, _ expectedRows: Int) throws(FastCSVRows.GiveUp) -> [Record]
    ) -> Bool {
        guard accountsDeclared, let spec = RecordKind.named(file) else { return false }
        let expected = Self.estimatedRows(bytes)
        let read = FastCSVRows.read(bytes, kind: spec, accounts: accountKeys) {
            rows throws(FastCSVRows.GiveUp) in try body(&rows, expected)
        }
        guard let read else { return false }
        Self.add(read, to: &dataset[keyPath: records])
        return true
    }

    /// Adds what a fast path read to the records of its kind: taken whole when there are none yet (the usual case),
    /// rather than copied element by element.
    static func add<Record>(_ read: [Record], to records: inout [Record]) {
        if records.isEmpty {
            records = read
        } else {
            records.append(contentsOf: read)
        }
    }

    /// About how many rows `bytes` holds (`estimatedRows` for a buffer).
    static func estimatedRows(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let sample = UnsafeBufferPointer(rebasing: bytes.prefix(1 << 16))
        let lines = sample.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        guard lines > 0 else { return 1 }
        return bytes.count / max(1, sample.count / lines) + 16
    }
}
