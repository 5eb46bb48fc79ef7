import ArgumentParser
import Foundation
import VitalsCore
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

struct HealthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Health scores, their explanation, revenue at risk and calibration from churn.",
        discussion: "docs/health.md describes the components, the models and the configuration ([health], [touch]).",
        subcommands: [HealthScoresCommand.self, HealthRiskCommand.self, HealthCalibrateCommand.self],
        defaultSubcommand: HealthScoresCommand.self
    )
}

struct HealthScoresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scores", abstract: "The score of every paying account, or one account's breakdown (--account).")

    @OptionGroup var options: HealthOptions

    @Option(help: "Assess as of this date, YYYY-MM-DD (default: the day after the latest record).")
    var at: String?

    @Option(help: "Explain one account's score: each component's value, score, weight and contribution.")
    var account: String?

    @Option(help: "Only accounts matching this filter, e.g. \"touch = high\".")
    var segment: String?

    @Option(help: "Only accounts in this band: red, yellow or green.")
    var band: String?

    @Option(help: "Rows to show, lowest scores first (0: all).")
    var limit = 50

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let start = Date()
        let (engine, instant, _, dataset) = try options.engine(at: try HealthOptions.instant(at))
        let currency = engine.settings.report.reportingCurrency
        if let account {
            guard let index = dataset.index(of: AccountID(account)) else { throw Failure(description: "no account '\(account)'") }
            guard let b = engine.breakdown(index, at: instant) else {
                throw Failure(description: "account '\(account)' has no health score as of \(instant.date): no component has data")
            }
            let out = json
                ? HealthJSON.breakdown(b, account: dataset[index], currency: currency, history: [], periodDays: engine.settings.periodDays) + "\n"
                : Self.describe(b, account: dataset[index], currency: currency, periodDays: engine.settings.periodDays)
            FileHandle.standardOutput.write(Data(out.utf8))
            return
        }
        let known = dataset.knownAttributes
        let filter = try segment.map { try SegmentFilter.parse($0, knownAttributes: known) }
        for line in filter?.unknownValuesWarning(in: engine.accounts) ?? [] {
            FileHandle.standardError.write(Data("warning: --segment \(line)\n".utf8))
        }
        let wanted = try band.map { text -> HealthBand in
            guard let b = HealthBand(rawValue: text) else { throw ValidationError("--band: '\(text)' is not red, yellow or green") }
            return b
        }
        let scoring = Date()
        let all = engine.assessAll(at: instant).filter { filter?.matches(engine.accounts[$0.account.int]) ?? true }
        let seconds = Date().timeIntervalSince(scoring)
        var counts: [HealthBand: Int] = [:]
        for h in all { counts[h.band, default: 0] += 1 }
        let rows = all.filter { wanted == nil || $0.band == wanted }.sorted { ($0.score, $0.account) < ($1.score, $1.account) }
        let page = limit > 0 ? Array(rows.prefix(limit)) : rows
        if json {
            let out = HealthJSON.scores(page, engine: engine, at: instant, currency: currency, total: rows.count, counts: counts)
            FileHandle.standardOutput.write(Data((out + "\n").utf8))
            return
        }
        let exponent = currency.minorUnitExponent
        let table = TextTable.render(
            ["account", "name", "touch", "model", "score", "band", "mrr"],
            page.map { h in
                let a = engine.accounts[h.account.int]
                return [
                    a.id.rawValue, String(a.name.prefix(32)), a.attribute(engine.settings.touch.attribute) ?? "-",
                    engine.settings.models[h.model].name, HealthComponent.format(h.score), h.band.rawValue,
                    Money.decimalString(h.mrr, exponent: exponent),
                ]
            }, numeric: [4, 6])
        let summary = "Health as of \(instant.date): \(all.count) paying accounts scored in \(String(format: "%.3f", seconds)) s (loaded in \(String(format: "%.1f", scoring.timeIntervalSince(start))) s): red \(counts[.red] ?? 0), yellow \(counts[.yellow] ?? 0), green \(counts[.green] ?? 0)\n"
        // A list cut short says so, and how to see the rest.
        let rest = page.count < rows.count ? "Showing the \(page.count) lowest scores of \(rows.count); --limit 0 shows all.\n" : ""
        FileHandle.standardOutput.write(Data((summary + table + rest).utf8))
    }

    static func describe(_ b: HealthBreakdown, account: Account, currency: CurrencyCode, periodDays: Int) -> String {
        func n(_ x: Double?) -> String { x.map { HealthComponent.format($0) } ?? "-" }
        var out = "\(account.name) (\(account.id.rawValue)) as of \(b.at.date): health \(n(b.current.score)), \(b.current.band.rawValue)"
        if let change = b.change { out += " (\(change >= 0 ? "+" : "")\(n(change)) in \(periodDays) days)" }
        out += "\nmodel \(b.current.model), touch \(b.touch ?? "-"), MRR \(currency.code) \(Money.decimalString(b.mrr, exponent: currency.minorUnitExponent))"
        if let renewal = b.nextRenewal { out += ", next renewal \(renewal.date)" }
        out += "\n\n"
        out += TextTable.render(
            ["component", "value", "unit", "score", "weight", "share %", "points", "change"],
            b.current.components.filter { $0.weight > 0 }.map { p in
                [p.component.title, n(p.value), p.component.unit, n(p.score), n(p.weight), n(p.effectiveWeight * 100),
                 n(p.contribution), n(b.change(of: p.component))]
            }, numeric: [1, 3, 4, 5, 6, 7])
        if let note = b.redistribution { out += "\n" + note + "\n" }
        if !b.riskFactors.isEmpty {
            out += "\nTop risk factors:\n"
            for f in b.riskFactors { out += "  - \(f.text) (costs \(n(f.pointsLost)) points)\n" }
        }
        return out
    }
}

struct HealthRiskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "risk",
        abstract: "Revenue at risk: MRR of red accounts, plus yellow accounts renewing within the window, by reason and segment.")

    @OptionGroup var options: HealthOptions

    @Option(help: "As of this date, YYYY-MM-DD (default: the day after the latest record).")
    var at: String?

    @Option(help: "Break down by this account attribute (default: the touch tier).")
    var by: String?

    @Option(help: "Accounts to list, largest MRR first.")
    var limit = 20

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let (engine, instant, _, _) = try options.engine(at: try HealthOptions.instant(at))
        let currency = engine.settings.report.reportingCurrency
        let risk = RevenueAtRisk.compute(engine.assessAll(at: instant), engine: engine, at: instant, by: by)
        if json {
            FileHandle.standardOutput.write(Data((HealthJSON.revenueAtRisk(risk, engine: engine, currency: currency, limit: limit) + "\n").utf8))
            return
        }
        func money(_ m: Int64) -> String { "\(currency.code) " + Money.decimalString(m, exponent: currency.minorUnitExponent) }
        var out = "Revenue at risk as of \(instant.date): \(money(risk.total)) MRR of \(money(risk.scoredMRR)) scored (\(risk.entries.count) accounts)\n"
        out += "  red: \(money(risk.byReason[.red] ?? 0)); yellow renewing within \(risk.renewalWindowDays) days: \(money(risk.byReason[.renewal] ?? 0))\n"
        out += "By \(risk.attribute):\n"
        for (segment, amount) in risk.bySegment.sorted(by: { $0.value > $1.value }) { out += "  \(segment): \(money(amount))\n" }
        out += "\n" + TextTable.render(
            ["account", "name", "mrr", "score", "band", "reason", "renewal"],
            risk.entries.prefix(limit).map { e in
                let a = engine.accounts[e.account.int]
                return [a.id.rawValue, String(a.name.prefix(32)), Money.decimalString(e.mrr, exponent: currency.minorUnitExponent),
                        HealthComponent.format(e.score), e.band.rawValue, e.reason.rawValue, e.renewal.map { $0.date.description } ?? "-"]
            }, numeric: [2, 3])
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
