import Foundation
import GRDB
import VitalsCore
import VitalsFormats
import VitalsStore

/// What applying Stripe changes did.
public struct StripeApplyResult: Sendable, Equatable {
    /// The event had been applied before: nothing was done.
    public var duplicate = false
    public var customers = 0
    /// Observations stored (a backfill or export skips a subscription whose terms did not change).
    public var observations = 0
    /// Subscriptions whose versions were rebuilt, and the versions they now have.
    public var subscriptions = 0
    public var versions = 0
    public var orders = 0
}

extension Store {
    /// The Stripe endpoint secrets of `workspace`, oldest first.
    public func stripeSecrets(workspace: Int64) throws(StoreError) -> [String] {
        try read("reading the Stripe endpoint secrets") { db in
            try String.fetchAll(db, sql: "SELECT secret FROM stripe_webhook_secret WHERE workspace_id = ? ORDER BY id", arguments: [workspace])
        }
    }

    /// Adds an endpoint secret (`whsec_...`); with `replace`, the workspace's other secrets are removed.
    public func setStripeSecret(_ secret: String, workspace: Int64, replace: Bool, at now: Timestamp) throws(StoreError) {
        try write("storing the Stripe endpoint secret") { db in
            if replace { try db.execute(sql: "DELETE FROM stripe_webhook_secret WHERE workspace_id = ?", arguments: [workspace]) }
            try db.execute(
                sql: "INSERT OR IGNORE INTO stripe_webhook_secret (workspace_id, secret, created_at) VALUES (?, ?, ?)",
                arguments: [workspace, secret, now.seconds])
        }
    }

    /// Applies `changes` to `workspace` in one transaction, then rebuilds the versions of every subscription they
    /// touch from all of its stored observations.
    ///
    /// - Parameter event: the Stripe event the changes come from; if it was applied before, nothing is done.
    /// - Parameter source: how the observations are known: the event id, or `backfill@<time>` / `csv@<time>`, in
    ///   which case an observation equal to the subscription's latest stored one is not stored again.
    /// Customers not known yet are created with their id as name; a customer's own event fills in the rest.
    public func applyStripe(
        _ changes: StripeChanges, workspace: Int64, event: (id: String, type: String)?, source: String,
        receivedAt: Timestamp
    ) throws(StoreError) -> StripeApplyResult {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try write("applying Stripe data") { db in
            try Store.bumpDataVersion(db, workspace: workspace)
            var result = StripeApplyResult()
            if let event {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO stripe_event (workspace_id, event_id, type, received_at) VALUES (?, ?, ?, ?)",
                    arguments: [workspace, event.id, event.type, receivedAt.seconds])
                if db.changesCount == 0 {
                    result.duplicate = true
                    return result
                }
            }
            for c in changes.customers {
                let before = try Store.stripeAccount(db, workspace: workspace, customer: c.id)
                try db.execute(
                    sql: """
                        INSERT INTO account (workspace_id, external_id, name, created_at, country, attributes)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (workspace_id, external_id) DO UPDATE SET
                            name = excluded.name, created_at = coalesce(excluded.created_at, account.created_at),
                            country = coalesce(excluded.country, account.country),
                            attributes = json_patch(account.attributes, excluded.attributes)
                        """,
                    arguments: [workspace, c.accountID, c.name, c.createdAt?.seconds, c.country, Store.json(c.attributes)])
                try db.execute(
                    sql: """
                        INSERT INTO stripe_customer (workspace_id, customer_id, account_external_id) VALUES (?, ?, ?)
                        ON CONFLICT (workspace_id, customer_id) DO UPDATE SET account_external_id = excluded.account_external_id
                        """,
                    arguments: [workspace, c.id, c.accountID])
                if before != c.accountID { try Store.moveStripeRecords(db, workspace: workspace, from: before, to: c.accountID) }
                result.customers += 1
            }
            let implied = Set(changes.observations.map(\.customer) + changes.orders.map(\.customer))
            for customer in implied.sorted() {
                let account = try Store.stripeAccount(db, workspace: workspace, customer: customer)
                try db.execute(
                    sql: "INSERT OR IGNORE INTO account (workspace_id, external_id, name) VALUES (?, ?, ?)",
                    arguments: [workspace, account, account])
            }
            var touched: [String] = []
            for o in changes.observations {
                if source.contains("@"), try Store.latestObservation(db, workspace: workspace, subscription: o.subscription)
                    .map({ same($0, o.observation) }) ?? false
                {
                    continue
                }
                let json = String(decoding: try encoder.encode(o.observation), as: UTF8.self)
                try db.execute(
                    sql: """
                        INSERT INTO stripe_observation (workspace_id, subscription_id, customer_id, source, observed_at, observation)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (workspace_id, subscription_id, source) DO UPDATE SET
                            customer_id = excluded.customer_id, observed_at = excluded.observed_at, observation = excluded.observation
                        """,
                    arguments: [workspace, o.subscription, o.customer, source, o.observation.observedAt.seconds, json])
                result.observations += 1
                if !touched.contains(o.subscription) { touched.append(o.subscription) }
            }
            for subscription in touched {
                result.versions += try Store.rebuildVersions(db, workspace: workspace, subscription: subscription)
                result.subscriptions += 1
            }
            for order in changes.orders {
                try db.execute(
                    sql: """
                        INSERT INTO purchase_order (workspace_id, account_id, external_id, ordered_at, amount_minor, currency)
                        VALUES (?, (SELECT id FROM account WHERE workspace_id = ? AND external_id = ?), ?, ?, ?, ?)
                        ON CONFLICT (workspace_id, external_id) DO UPDATE SET
                            account_id = excluded.account_id, ordered_at = excluded.ordered_at,
                            amount_minor = excluded.amount_minor, currency = excluded.currency
                        """,
                    arguments: [
                        workspace, workspace, try Store.stripeAccount(db, workspace: workspace, customer: order.customer), order.id,
                        order.paidAt.seconds, order.amountMinor, order.currency,
                    ])
                result.orders += 1
            }
            return result
        }
    }

    /// Whether two observations show the same terms, whenever they were made.
    private func same(_ a: SubscriptionObservation, _ b: SubscriptionObservation) -> Bool {
        var b = b
        b.observedAt = a.observedAt
        return a == b
    }

    private static func latestObservation(_ db: Database, workspace: Int64, subscription: String) throws -> SubscriptionObservation? {
        let json = try String.fetchOne(
            db,
            sql: """
                SELECT observation FROM stripe_observation WHERE workspace_id = ? AND subscription_id = ?
                ORDER BY observed_at DESC, id DESC LIMIT 1
                """, arguments: [workspace, subscription])
        return try json.map { try JSONDecoder().decode(SubscriptionObservation.self, from: Data($0.utf8)) }
    }

    /// The account id of a Stripe customer: its `vitals_account_id` once its customer object was seen, else its id.
    static func stripeAccount(_ db: Database, workspace: Int64, customer: String) throws -> String {
        try String.fetchOne(
            db, sql: "SELECT account_external_id FROM stripe_customer WHERE workspace_id = ? AND customer_id = ?",
            arguments: [workspace, customer]) ?? customer
    }

    /// A customer now belongs to account `to`: its subscriptions and orders, stored under `from` so far, move there,
    /// and `from` is removed if nothing else refers to it (the account implied by the customer id).
    static func moveStripeRecords(_ db: Database, workspace: Int64, from: String, to: String) throws {
        let find = "SELECT id FROM account WHERE workspace_id = ? AND external_id = ?"
        guard let old = try Int64.fetchOne(db, sql: find, arguments: [workspace, from]),
            let new = try Int64.fetchOne(db, sql: find, arguments: [workspace, to])
        else { return }
        for table in ["subscription_version", "purchase_order"] {
            try db.execute(sql: "UPDATE \(table) SET account_id = ? WHERE account_id = ?", arguments: [new, old])
        }
        // Every table that refers to accounts (including those of later migrations), so no record is cascaded away.
        let referring = try Row.fetchAll(db, sql: """
            SELECT DISTINCT m.name, f."from" FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
            WHERE m.type = 'table' AND f."table" = 'account'
            """)
        let unused = referring.map { r -> String in
            let (table, column): (String, String) = (r[0], r[1])
            return "NOT EXISTS (SELECT 1 FROM \"\(table)\" WHERE \"\(table)\".\"\(column)\" = account.id)"
        }
        try db.execute(
            sql: "DELETE FROM account WHERE id = ? AND name = external_id AND attributes = '{}'"
                + unused.map { " AND " + $0 }.joined(),
            arguments: [old])
    }

    /// Replaces the stored versions of `subscription` with those its observations imply; returns how many.
    static func rebuildVersions(_ db: Database, workspace: Int64, subscription: String) throws -> Int {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT customer_id, observation FROM stripe_observation WHERE workspace_id = ? AND subscription_id = ?
                ORDER BY observed_at, id
                """, arguments: [workspace, subscription])
        let decoder = JSONDecoder()
        let observations = try rows.map { try decoder.decode(SubscriptionObservation.self, from: Data(($0[1] as String).utf8)) }
        guard let customer: String = rows.last?[0],
            let account = try Int64.fetchOne(
                db, sql: "SELECT id FROM account WHERE workspace_id = ? AND external_id = ?",
                arguments: [workspace, try stripeAccount(db, workspace: workspace, customer: customer)])
        else { return 0 }
        let versions = SubscriptionHistory.versions(of: SubscriptionID(subscription), account: AccountIndex(0), observations: observations)
        try db.execute(sql: "DELETE FROM subscription_version WHERE workspace_id = ? AND subscription_id = ?", arguments: [workspace, subscription])
        let insert = try db.makeStatement(sql: """
            INSERT INTO subscription_version (workspace_id, account_id, subscription_id, product, plan, amount_minor, currency,
                interval, interval_count, quantity, discount_percent, discount_amount_minor, status, valid_from, valid_to)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for v in versions {
            try insert.execute(arguments: [
                workspace, account, subscription, v.product, v.plan, v.amount.minorUnits, v.amount.currency.code,
                v.interval.rawValue, v.intervalCount, v.quantity, v.discountPercent, v.discountAmount, v.status.rawValue,
                v.validFrom.seconds, v.validTo?.seconds,
            ])
        }
        return versions.count
    }
}

extension StripeChanges {
    /// The currencies the changes use that have no rate into `reporting` (the store keeps only convertible money).
    public func unratedCurrencies(reporting: CurrencyCode, rated: Set<CurrencyCode>) -> [String] {
        let used = Set(observations.flatMap { $0.observation.items.map(\.currency) } + orders.map(\.currency))
        return used.filter { code in CurrencyCode(code).map { $0 != reporting && !rated.contains($0) } ?? true }.sorted()
    }
}
