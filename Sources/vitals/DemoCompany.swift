import Foundation
import VitalsCore
import VitalsGenerator
import VitalsServer
import VitalsStore

/// Fills an empty workspace with the demo company and makes sure the demo person can sign in.
enum DemoCompany {
    static let email = "demo@vitals.example"

    /// Generates about 2,000 accounts over three years ending today, if the workspace has no accounts yet.
    /// Returns the demo password (new each start, printed once).
    static func prepare(store: Store, workspace: Int64, today: CivilDate, log: (String) -> Void) throws -> String {
        if try store.accounts(workspace: workspace).isEmpty {
            let started = Date()
            var options = GeneratorOptions()
            options.accounts = 2_000
            options.months = 36
            options.seed = 2026
            options.endDate = today.adding(days: 1)
            let dataset = DatasetGenerator.generate(options)
            log("generating the demo company: \(dataset.accounts.count) accounts, \(dataset.subscriptions.count) subscription versions, "
                + "\(dataset.usageEvents.count) usage events")
            _ = try store.save(dataset, workspace: workspace)
            // A realistic goal tree for the generated company: some targets on track, some at risk.
            let now = Timestamp(seconds: Int64(Date().timeIntervalSince1970))
            _ = try store.seedGoals(
                DemoGoals.tree(dataEnd: options.endDate), reviews: DemoGoals.reviews(dataEnd: options.endDate), workspace: workspace,
                actor: "demo", at: now)
            log(String(format: "stored the demo company in %.1f s", Date().timeIntervalSince(started)))
        }
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        let password = String((0..<14).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
        let hash = Passwords.hash(password)
        if try !store.setPassword(email: email, passwordHash: hash) {
            try store.createUser(workspace: workspace, email: email, name: "Demo CS lead", passwordHash: hash, at: Date())
        }
        return password
    }
}
