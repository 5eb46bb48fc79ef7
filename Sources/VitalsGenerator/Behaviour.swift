/// The monthly odds of what a paying account does, as functions of its health (0 = miserable, 1 = thriving).
///
/// Tuned so that logo churn runs at about 2% a month, expansion a little above contraction, and net revenue
/// retention around 100-110%.
enum Behaviour {
    /// Chance of cancelling in a month, for a monthly-billed account.
    /// Bigger plans are stickier.
    static func churn(health: Double, plan: Plan) -> Double {
        let risk = 1 - health
        let stickiness = plan == .scale ? 0.55 : plan == .growth ? 0.8 : 1
        return (0.005 + 0.09 * risk * risk * risk) * stickiness
    }

    static let pastDue = 0.022
    static let pause = 0.002

    static func upgrade(health: Double) -> Double { 0.017 * (0.3 + health) }
    static func downgrade(health: Double) -> Double { 0.007 * (1.6 - health) }
    static func seatsUp(health: Double) -> Double { 0.15 * (0.3 + health) }
    static func seatsDown(health: Double) -> Double { 0.1 * (1.6 - health) }
    static func crossSell(health: Double) -> Double { 0.016 * (0.3 + health) }
    static func dropAddOn(health: Double) -> Double { 0.008 * (1.6 - health) }

    /// Chance that a failed payment is fixed before the subscription lapses.
    static func recovers(health: Double) -> Double { 0.55 + 0.4 * health }
    static let resumesFromPause = 0.75
    /// Chance that a churned account comes back (at most twice).
    static let winBack = 0.15
    static func trialConverts(health: Double) -> Double { 0.3 + 0.5 * health }

    /// Next month's health: mean-reverting toward the account's baseline, with noise.
    static func drift(_ health: Double, baseline: Double, rng: inout SeededRandom) -> Double {
        let next = health + 0.15 * (baseline - health) + 0.06 * rng.normal()
        return min(0.98, max(0.02, next))
    }
}
