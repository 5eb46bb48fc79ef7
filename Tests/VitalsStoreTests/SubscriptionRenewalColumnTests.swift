import Foundation
import Testing
import VitalsCore

@testable import VitalsFormats
@testable import VitalsStore

/// `subscriptions.renews_at` and `subscriptions.cancel_reason` go wherever subscription versions go (the readers
/// (the fast path in SubscriptionsFastPathTests), the store, the snapshot and the CSV writer), and Stripe's `cancellation_details` become the
/// cancelled versions' reason.
@Suite struct SubscriptionRenewalColumnTests {
    static let accounts = "account_id,name\nA1,Acme\nA2,Beta\n"
    static let subscriptions = """
        subscription_id,account_id,product,amount,currency,interval,valid_from,valid_to,renews_at,cancel_reason
        S1,A1,Core,1200,USD,year,2024-01-01,,2025-03-01,
        S2,A2,Core,100,USD,month,2024-01-01,2024-06-01,,too_expensive
        S3,A2,Seats,10,USD,month,2024-01-01,,,
        """

    func load(_ subscriptions: String) throws(DatasetLoadError) -> Dataset {
        try DatasetLoader.load(
            files: ["accounts.csv": Array(Self.accounts.utf8), "subscriptions.csv": Array(subscriptions.utf8)],
            reportingCurrency: .usd)
    }

    @Test func theDescriptionHasTheColumns() {
        #expect(RecordKind.subscriptions.column("renews_at")?.type == .timestamp)
        #expect(RecordKind.subscriptions.column("cancel_reason")?.type == .text)
        #expect(RecordKind.subscriptions.columns.map(\.name) == SubscriptionVersion.layout.fields.map(\.name))
    }

    @Test func theReaderReadsThem() throws {
        let read = try load(Self.subscriptions).subscriptions
        #expect(read.map(\.renewsAt) == [Timestamp(year: 2025, month: 3, day: 1), nil, nil])
        #expect(read.map(\.cancelReason) == [nil, "too_expensive", nil])
    }

    @Test func badValuesAreRefusedWithTheirPlace() {
        let early = Self.subscriptions.replacingOccurrences(of: ",2025-03-01,", with: ",2023-12-01,")
        let long = Self.subscriptions.replacingOccurrences(of: "too_expensive", with: String(repeating: "x", count: 201))
        for (text, column, reason) in [
            (early, "renews_at", "must be after valid_from (2024-01-01)"),
            (long, "cancel_reason", "is 201 characters; at most 200"),
        ] {
            #expect {
                try load(text)
            } throws: { error in
                let issues = (error as? DatasetLoadError)?.issues ?? []
                return issues.contains {
                    $0.file == "subscriptions.csv" && $0.column == column && $0.reason == reason
                        && $0.line == (column == "renews_at" ? 2 : 3)
                }
            }
        }
    }

    @Test func theStoreTheSnapshotAndTheWriterKeepThem() throws {
        let dataset = try load(Self.subscriptions)
        let store = try Store(path: NSTemporaryDirectory() + "vitals-renewal-column-\(UUID().uuidString).sqlite")
        let workspace = try store.workspace("acme")
        try store.save(dataset, workspace: workspace)
        let stored = try store.dataset(workspace: workspace).subscriptions
        #expect(stored.map(\.renewsAt) == [Timestamp(year: 2025, month: 3, day: 1), nil, nil])
        #expect(stored.map(\.cancelReason) == [nil, "too_expensive", nil])

        let decoded = try DatasetSnapshot.decode(DatasetSnapshot.encode(dataset))
        #expect(decoded.subscriptions == dataset.subscriptions)

        let folder = NSTemporaryDirectory() + "vitals-renewal-column-\(UUID().uuidString)"
        try DatasetWriter.write(dataset, to: folder)
        let reread = try DatasetLoader.load(directory: folder, reportingCurrency: .usd)
        #expect(reread.subscriptions == dataset.subscriptions)
    }

    @Test func stripeCancellationDetailsBecomeTheReason() throws {
        let start: Int64 = 1_704_067_200  // 2024-01-01
        let ended: Int64 = 1_717_200_000  // 2024-06-01
        func observation(_ details: String) throws -> SubscriptionObservation {
            let json = """
                {"id":"sub_1","customer":"cus_1","status":"canceled","start_date":\(start),"ended_at":\(ended),
                 "items":{"data":[{"price":{"id":"p","currency":"usd","unit_amount":1000,"product":"Core",
                 "recurring":{"interval":"month"}},"quantity":1}]}\(details)}
                """
            return try StripeMapping.subscription(
                try #require(JSONBody.object(Array(json.utf8))), observedAt: Timestamp(seconds: ended)
            ).observation
        }
        // The customer's own feedback first, Stripe's reason without it, nothing without details.
        let both = try observation(#","cancellation_details":{"reason":"cancellation_requested","feedback":"too_expensive"}"#)
        #expect(both.cancelReason == "too_expensive")
        #expect(try observation(#","cancellation_details":{"reason":"payment_failed","feedback":null}"#).cancelReason == "payment_failed")
        #expect(try observation("").cancelReason == nil)
        // The version that ends the subscription carries it.
        let versions = SubscriptionHistory.versions(of: "sub_1", account: AccountIndex(0), observations: [both])
        #expect(versions.map(\.cancelReason) == ["too_expensive"])
        #expect(versions.map(\.validTo) == [Timestamp(seconds: ended)])
    }
}
