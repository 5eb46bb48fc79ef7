import Foundation
import VitalsCore

/// Writes a dataset as a folder of canonical CSV files, the format `DatasetLoader` reads.
///
/// Files are UTF-8 with a header row and RFC 4180 quoting. Money is written in major units (`49.00`) with its
/// currency in a separate column, timestamps in ISO 8601 (`2024-03-01` at midnight, else `2024-03-01T12:30:00Z`),
/// accounts by their external id. Each file is built in a byte buffer and written in large blocks, so tens of
/// millions of usage events take seconds.
public enum DatasetWriter {
    /// Writes every non-empty record array of `dataset` as its canonical file in `directory` (created if needed).
    ///
    /// A canonical file whose array is empty is not written, and an old copy of it in `directory` is removed (as is
    /// any `usage_events.ndjson`), so the folder always loads back as exactly this dataset.
    public static func write(_ dataset: Dataset, to directory: String) throws(DatasetWriteError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreateDirectory(directory, reason: String(describing: error))
        }
        let ids = AccountIDColumn(dataset.accounts)
        let writer = FileWriter(directory: directory)
        try writeAccounts(dataset, writer)
        try writer.file("subscriptions.csv", dataset.subscriptions, header: [
            "subscription_id", "account_id", "product", "plan", "amount", "currency", "interval", "interval_count",
            "quantity", "discount_percent", "discount_amount", "status", "valid_from", "valid_to",
        ]) { out, s in
            out.field(s.subscriptionID.rawValue)
            ids.write(s.account, &out)
            out.field(s.product)
            out.field(s.plan)
            out.money(s.amount)
            out.field(s.amount.currency.code)
            out.field(s.interval.rawValue)
            out.int(s.intervalCount)
            out.int(s.quantity)
            out.number(s.discountPercent)
            out.decimal(s.discountAmount, exponent: s.amount.currency.minorUnitExponent)
            out.field(s.status.rawValue)
            out.timestamp(s.validFrom)
            out.timestamp(s.validTo, last: true)
        }
        try writer.file("orders.csv", dataset.orders,
                        header: ["order_id", "account_id", "ordered_at", "amount", "currency"]) { out, o in
            out.field(o.id.rawValue)
            ids.write(o.account, &out)
            out.timestamp(o.orderedAt)
            out.money(o.amount)
            out.field(o.amount.currency.code, last: true)
        }
        try writer.file("trials.csv", dataset.trials,
                        header: ["trial_id", "account_id", "started_at", "ends_at", "converted_at", "canceled_at"]) { out, t in
            out.field(t.id.rawValue)
            ids.write(t.account, &out)
            out.timestamp(t.startedAt)
            out.timestamp(t.endsAt)
            out.timestamp(t.convertedAt)
            out.timestamp(t.canceledAt, last: true)
        }
        try writer.file("acquisition_costs.csv", dataset.acquisitionCosts,
                        header: ["period_start", "period_end", "amount", "currency", "channel"]) { out, c in
            out.timestamp(c.periodStart)
            out.timestamp(c.periodEnd)
            out.money(c.amount)
            out.field(c.amount.currency.code)
            out.field(c.channel, last: true)
        }
        try writer.file("survey_responses.csv", dataset.surveyResponses, header: [
            "response_id", "account_id", "survey", "score", "scale_min", "scale_max", "responded_at", "contact", "comment",
        ]) { out, r in
            out.field(r.id.rawValue)
            ids.write(r.account, &out)
            out.field(r.survey.rawValue)
            out.number(r.score)
            out.number(r.scaleMin)
            out.number(r.scaleMax)
            out.timestamp(r.respondedAt)
            out.field(r.contact)
            out.field(r.comment, last: true)
        }
        try writer.file("tickets.csv", dataset.tickets, header: [
            "ticket_id", "account_id", "opened_at", "resolved_at", "agent_replies", "reopens", "first_contact_resolution",
            "channel",
        ]) { out, t in
            out.field(t.id.rawValue)
            ids.write(t.account, &out)
            out.timestamp(t.openedAt)
            out.timestamp(t.resolvedAt)
            out.int(t.agentReplies)
            out.int(t.reopens)
            out.bool(t.firstContactResolution)
            out.field(t.channel, last: true)
        }
        try writeUsageEvents(dataset, ids, writer)
        try writer.remove("usage_events.ndjson")  // it would load on top of usage_events.csv
        try writer.file("onboarding.csv", dataset.onboarding, header: [
            "account_id", "milestone", "required", "started_at", "due_at", "completed_at",
        ]) { out, m in
            ids.write(m.account, &out)
            out.field(m.milestone)
            out.bool(m.required)
            out.timestamp(m.startedAt)
            out.timestamp(m.dueAt)
            out.timestamp(m.completedAt, last: true)
        }
        try writer.file("leads.csv", dataset.leads, header: [
            "lead_id", "account_id", "source", "created_at", "status", "closed_at", "amount", "currency",
        ]) { out, l in
            out.field(l.id.rawValue)
            if let account = l.account { ids.write(account, &out) } else { out.field(nil) }
            out.field(l.source.rawValue)
            out.timestamp(l.createdAt)
            out.field(l.status.rawValue)
            out.timestamp(l.closedAt)
            if let amount = l.amount {
                out.money(amount)
                out.field(amount.currency.code, last: true)
            } else {
                out.field(nil)
                out.field(nil, last: true)
            }
        }
        try writer.file("success_goals.csv", dataset.successGoals,
                        header: ["goal_id", "account_id", "name", "target_date", "achieved_at"]) { out, g in
            out.field(g.id.rawValue)
            ids.write(g.account, &out)
            out.field(g.name)
            out.timestamp(g.targetDate)
            out.timestamp(g.achievedAt, last: true)
        }
        try writer.file("csm_pulse.csv", dataset.csmPulses, header: ["account_id", "recorded_at", "rating", "note"]) { out, p in
            ids.write(p.account, &out)
            out.timestamp(p.recordedAt)
            out.int(p.rating)
            out.field(p.note, last: true)
        }
        try writer.file("fx_rates.csv", dataset.fxRates, header: ["date", "currency", "rate"]) { out, r in
            out.timestamp(r.date)
            out.field(r.currency.code)
            out.number(r.rate, last: true)
        }
    }

    /// accounts.csv: the built-in columns, then every custom attribute (sorted by name).
    private static func writeAccounts(_ dataset: Dataset, _ writer: FileWriter) throws(DatasetWriteError) {
        let extra = extraColumns(dataset.accounts.lazy.map(\.attributes), builtIn: Account.builtInAttributes)
        let header = Account.builtInAttributes + extra
        try writer.file("accounts.csv", dataset.accounts, header: header) { out, a in
            out.field(a.id.rawValue)
            out.field(a.name)
            out.timestamp(a.createdAt)
            out.field(a.csm)
            out.field(a.industry)
            out.field(a.country)
            out.field(a.referredBy?.rawValue, last: extra.isEmpty)
            for (i, name) in extra.enumerated() { out.field(a.attributes[name], last: i == extra.count - 1) }
        }
    }

    private static let usageColumns = ["event_id", "account_id", "user_id", "event", "occurred_at", "duration_seconds"]

    /// usage_events.csv: the built-in columns, then every property (sorted by name).
    private static func writeUsageEvents(
        _ dataset: Dataset, _ ids: AccountIDColumn, _ writer: FileWriter
    ) throws(DatasetWriteError) {
        let extra =
            dataset.usageEvents.hasProperties
            ? extraColumns(dataset.usageEvents.indices.lazy.map(dataset.usageEvents.properties(at:)), builtIn: usageColumns)
            : []
        try writer.file("usage_events.csv", dataset.usageEvents, header: usageColumns + extra, rowBytes: 96) { out, e in
            out.field(e.id.rawValue)
            ids.write(e.account, &out)
            out.field(e.user.rawValue)
            out.field(e.event)
            out.timestamp(e.occurredAt)
            out.number(e.durationSeconds, last: extra.isEmpty)
            if !extra.isEmpty {
                for (i, name) in extra.enumerated() { out.field(e.properties[name], last: i == extra.count - 1) }
            }
        }
    }

    /// The sorted union of the keys of `maps`, leaving out names that are already built-in columns.
    private static func extraColumns(
        _ maps: some Sequence<[String: String]>, builtIn: [String]
    ) -> [String] {
        var names: Set<String> = []
        for map in maps where !map.isEmpty {
            for key in map.keys { names.insert(key) }
        }
        let reserved = Set(builtIn)
        return names.filter { !reserved.contains($0) }.sorted()
    }
}

/// Why a dataset could not be written.
public enum DatasetWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotCreateDirectory(String, reason: String)
    case cannotWrite(String, reason: String)

    public var description: String {
        switch self {
        case .cannotCreateDirectory(let path, let reason): "cannot create the folder \(path): \(reason)"
        case .cannotWrite(let path, let reason): "cannot write \(path): \(reason)"
        }
    }
}

/// The external ids of a dataset's accounts, quoted once, for the `account_id` column of every file.
private struct AccountIDColumn {
    private let bytes: [UInt8]
    private let offsets: [Int]

    init(_ accounts: [Account]) {
        var out = CSVOutput(capacity: accounts.count * 12)
        var offsets = [0]
        offsets.reserveCapacity(accounts.count + 1)
        for account in accounts {
            out.field(account.id.rawValue, last: true)
            out.removeLast(1)  // the line end that `last: true` added
            offsets.append(out.count)
        }
        bytes = Array(out.buffer)
        self.offsets = offsets
    }

    /// Appends the account's id and a comma.
    @inline(__always)
    func write(_ account: AccountIndex, _ out: inout CSVOutput) {
        let i = account.int
        bytes.withUnsafeBufferPointer { all in
            out.append(UnsafeBufferPointer(rebasing: all[offsets[i]..<offsets[i + 1]]))
        }
        out.field(nil)
    }
}

/// Writes whole CSV files into one directory.
private struct FileWriter {
    let directory: String

    /// Writes `rows` as file `name` (or removes an old copy when there are none), flushing every few megabytes.
    func file<Row>(
        _ name: String, _ rows: some Collection<Row>, header: [String], rowBytes: Int = 80, row: (inout CSVOutput, Row) -> Void
    ) throws(DatasetWriteError) {
        let path = (directory as NSString).appendingPathComponent(name)
        guard !rows.isEmpty else { return try remove(name) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw .cannotWrite(path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let block = 8 << 20
        var out = CSVOutput(capacity: min(block, rows.count * rowBytes) + 4096)
        for (i, column) in header.enumerated() { out.field(column, last: i == header.count - 1) }
        for item in rows {
            row(&out, item)
            if out.count >= block {
                try flush(&out, to: descriptor, path: path)
            }
        }
        try flush(&out, to: descriptor, path: path)
    }

    /// Removes file `name` if it exists (a stale copy from an earlier write).
    func remove(_ name: String) throws(DatasetWriteError) {
        let path = (directory as NSString).appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: path) else { return }
        do { try FileManager.default.removeItem(atPath: path) } catch {
            throw .cannotWrite(path, reason: String(describing: error))
        }
    }

    private func flush(_ out: inout CSVOutput, to descriptor: Int32, path: String) throws(DatasetWriteError) {
        let buffer = out.buffer
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw .cannotWrite(path, reason: String(cString: strerror(errno)))
            }
            offset += written
        }
        out.removeAll()
    }
}
