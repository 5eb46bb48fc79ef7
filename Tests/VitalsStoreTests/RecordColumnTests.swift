import Foundation
import Testing
import VitalsCore

@testable import VitalsFormats
@testable import VitalsStore

/// A column added to a record kind's description (here `tickets.priority`) goes everywhere records go without being
/// named there: the CSV and JSON readers, the store's rows, the snapshot, the CSV writer and a vendor's mapping.
@Suite struct RecordColumnTests {
    static let accounts = "account_id,name\nA1,Acme\nA2,Beta\n"
    static let tickets = """
        ticket_id,account_id,opened_at,resolved_at,channel,priority
        T1,A1,2025-01-02T09:00:00Z,2025-01-02T10:00:00Z,email,urgent
        T2,A1,2025-01-03,,chat,
        T3,A2,2025-01-04,2025-01-05,phone,Low
        """

    func load(_ tickets: String) throws(DatasetLoadError) -> Dataset {
        try DatasetLoader.load(
            files: ["accounts.csv": Array(Self.accounts.utf8), "tickets.csv": Array(tickets.utf8)], reportingCurrency: .usd)
    }

    @Test func theDescriptionHasTheColumn() {
        #expect(RecordKind.tickets.column("priority")?.type == .choice(["low", "normal", "high", "urgent"]))
        #expect(RecordKind.tickets.columns.map(\.name) == Ticket.layout.fields.map(\.name))
    }

    @Test func csvAndJSONReadIt() throws {
        let dataset = try load(Self.tickets)
        // Case as written is accepted (`Low`), as for every word column; empty is no priority.
        #expect(dataset.tickets.map(\.priority) == [.urgent, nil, .low])

        let body = #"[{"ticket_id":"T9","account_id":"A1","opened_at":"2025-02-01","priority":"high"}]"#
        let json = try DatasetLoader.load(
            json: Array(body.utf8), kind: .tickets, ndjson: false, reportingCurrency: .usd,
            knownAccounts: dataset.accounts)
        #expect(json.dataset.tickets.map(\.priority) == [.high])
    }

    @Test func aWordOutsideTheSetIsRefusedWithItsPlace() {
        let bad = Self.tickets.replacingOccurrences(of: "email,urgent", with: "email,asap")
        #expect {
            try load(bad)
        } throws: { error in
            let issues = (error as? DatasetLoadError)?.issues ?? []
            return issues.contains {
                $0.file == "tickets.csv" && $0.line == 2 && $0.column == "priority"
                    && $0.reason == "'asap' is not one of low, normal, high, urgent"
            }
        }
    }

    @Test func theStoreTheSnapshotAndTheWriterKeepIt() throws {
        let dataset = try load(Self.tickets)
        let store = try Store(path: NSTemporaryDirectory() + "vitals-column-\(UUID().uuidString).sqlite")
        let workspace = try store.workspace("acme")
        try store.save(dataset, workspace: workspace)
        #expect(try store.dataset(workspace: workspace).tickets.map(\.priority) == [.urgent, nil, .low])

        let decoded = try DatasetSnapshot.decode(DatasetSnapshot.encode(dataset))
        #expect(decoded.tickets == dataset.tickets)

        let folder = NSTemporaryDirectory() + "vitals-column-\(UUID().uuidString)"
        try DatasetWriter.write(dataset, to: folder)
        let written = try String(contentsOfFile: folder + "/tickets.csv", encoding: .utf8)
        // contact_id (hosted surveys) follows priority, empty here.
        #expect(written.hasPrefix("ticket_id,account_id,opened_at,resolved_at,agent_replies,reopens,first_contact_resolution,channel,priority,contact_id\n"))
        #expect(written.contains("\nT1,A1,2025-01-02T09:00:00Z,2025-01-02T10:00:00Z,,,,email,urgent,\n"))
        let reread = try DatasetLoader.load(directory: folder, reportingCurrency: .usd)
        #expect(reread.tickets == dataset.tickets)
    }

    /// Leads are read through their fields too: an optional currency is needed only with an amount.
    @Test func aLeadsCurrencyIsRequiredOnlyWithAnAmount() throws {
        let leads = """
            lead_id,account_id,source,created_at,status,amount,currency
            L1,A1,referral,2025-01-01,open,,GBP
            L2,A1,referral,2025-01-01,won,100,
            """
        let files = ["accounts.csv": Array(Self.accounts.utf8), "leads.csv": Array(leads.utf8)]
        #expect {
            try DatasetLoader.load(files: files, reportingCurrency: .usd)
        } throws: { error in
            // L1's GBP has no rate, but without an amount it is not read; L2's amount needs its currency.
            (error as? DatasetLoadError)?.issues.map { "\($0.line) \($0.column ?? "") \($0.reason)" } == [
                "3 currency a value is required"
            ]
        }
        let good = leads.replacingOccurrences(of: "won,100,", with: "won,100,USD")
        let dataset = try DatasetLoader.load(
            files: ["accounts.csv": Array(Self.accounts.utf8), "leads.csv": Array(good.utf8)], reportingCurrency: .usd)
        #expect(dataset.leads.map(\.amount) == [nil, Money(minorUnits: 10_000, currency: .usd)])
    }

    @Test func zendeskPrioritiesAreKept() throws {
        let export = """
            Id,Organization,Status,Created at,Solved at,Replies,Priority
            101,Acme,solved,2025-01-02 09:00,2025-01-02 10:00,1,Urgent
            102,Acme,open,2025-01-03 09:00,,0,
            """
        let result = try VendorImport.load(
            .zendesk, file: "tickets.csv", bytes: Array(export.utf8),
            knownAccounts: [Account(id: "A1", name: "Acme")],
            options: VendorImportOptions(timeZone: TimeZone(identifier: "UTC")!, createAccounts: false, now: Timestamp(seconds: 0)))
        guard case .dataset(let dataset, _) = result else {
            Issue.record("not read as tickets")
            return
        }
        #expect(dataset.tickets.map(\.priority) == [.urgent, nil])
    }
}
