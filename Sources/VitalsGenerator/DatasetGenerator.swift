import VitalsCore

/// Generates a realistic, deterministic dataset of a B2B SaaS company's customers.
///
/// Each account gets a profile (industry, country, size, plan, billing, latent health), a simulated subscription
/// history (trials, upgrades, seats, add-ons, failed payments, pauses, churn, win-backs), and the activity that goes
/// with it (usage, surveys, tickets, orders, leads, onboarding, goals, CSM pulses, contacts and the CS team's
/// activities). Health ties them together: unhappy
/// accounts use less, score lower, open more tickets and churn more; and the path to a churn or a downgrade
/// (`Engagement`) shows first in usage, tickets, survey answers and CSM ratings, as it does in real SaaS data.
///
/// Every account draws from its own random streams derived from the seed, so the same options always give the same
/// dataset, and changing an activity rate (say, usage events for a benchmark) leaves the revenue history unchanged.
public enum DatasetGenerator {
    /// Generates the dataset described by `options`.
    public static func generate(_ options: GeneratorOptions) -> Dataset {
        let window = Window(endDate: options.endDate, months: options.months)
        let count = max(0, options.accounts)
        var dataset = Dataset()
        reserve(&dataset, options: options)

        var roster = SeededRandom(seed: options.seed, stream: .roster)
        let creations = Roster.creationTimes(count: count, window: window, rng: &roster)
        var history = SubscriptionHistory(window: window)
        var activity = Activity(window: window, options: options)
        var commerce = Commerce(window: window)
        var success = CustomerSuccess(window: window)
        var relationships = Relationships(window: window)
        var ledger = CompanyLedger(window: window)
        var life = AccountLife()
        var engagement = Engagement()

        for (k, creation) in creations.enumerated() {
            var profile = SeededRandom(seed: options.seed, stream: .profile, index: k)
            let plan = AccountPlan.draw(
                number: k + 1, createdAt: creation.at, preexisting: creation.preexisting, rng: &profile)
            var referrer: AccountID?
            if k > 0 && profile.chance(0.08) { referrer = AccountID(IDFormat.account(1 + profile.int(k))) }
            var people = SeededRandom(seed: options.seed, stream: .relationships, index: k)
            var account = plan.account(referredBy: referrer)
            account.parent = Relationships.parent(of: k, rng: &people)
            let index = dataset.upsert(account)
            life.reset(index: index, months: window.months, health: plan.health)

            var subscriptions = SeededRandom(seed: options.seed, stream: .subscriptions, index: k)
            history.simulate(plan, life: &life, rng: &subscriptions, dataset: &dataset)
            var path = SeededRandom(seed: options.seed, stream: .engagement, index: k)
            engagement.draw(life: life, window: window, rng: &path)
            var usage = SeededRandom(seed: options.seed, stream: .usage, index: k)
            var feedback = SeededRandom(seed: options.seed, stream: .feedback, index: k)
            activity.generate(
                plan, life: life, engagement: engagement, usage: &usage, feedback: &feedback, dataset: &dataset)
            var commercial = SeededRandom(seed: options.seed, stream: .commercial, index: k)
            commerce.generate(plan, life: life, referred: referrer != nil, rng: &commercial, dataset: &dataset)
            var successStream = SeededRandom(seed: options.seed, stream: .success, index: k)
            success.generate(plan, life: life, rng: &successStream, dataset: &dataset)
            relationships.generate(plan, life: life, rng: &people, dataset: &dataset)
            ledger.note(plan, life: life)
        }

        var company = SeededRandom(seed: options.seed, stream: .company)
        dataset.fxRates = ledger.fxRates(rng: &company)
        dataset.acquisitionCosts = ledger.acquisitionCosts(rng: &company)
        commerce.prospects(count: count / 4, rng: &company, into: &dataset.leads)
        return dataset
    }

    /// Reserves roughly the capacity the records will need, so the big arrays grow without copying.
    private static func reserve(_ dataset: inout Dataset, options: GeneratorOptions) {
        let accounts = Double(max(0, options.accounts))
        let accountMonths = accounts * Double(max(1, options.months)) * 0.55
        dataset.subscriptions.reserveCapacity(Int(accounts * 4.5))
        dataset.usageEvents.reserveCapacity(Int(accountMonths * max(0, options.usageEventsPerAccountMonth) * 1.1))
        dataset.surveyResponses.reserveCapacity(Int(accountMonths / 12 * max(0, options.surveysPerAccountYear) * 1.1))
        dataset.tickets.reserveCapacity(Int(accountMonths / 12 * max(0, options.ticketsPerAccountYear) * 1.2))
    }
}
