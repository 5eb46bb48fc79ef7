import Foundation
import VitalsCore

/// The results of the customer-lifetime models as text tables or JSON: `vitals clv` prints them and
/// `GET /api/v1/lifetime` serves the JSON.
public struct LifetimeReport {
    public var dataset: Dataset
    public var settings: ReportSettings
    public var summary: RFMSummary
    public var analysis: CustomerLifetimeValue.Analysis?
    public var clvProblem: String?
    public var survival: SurvivalAnalysis?
    public var by: String?
    public var segmentOf: ((AccountIndex, AccountTenure?) -> String)?
    public var top: Int

    public init(
        dataset: Dataset, settings: ReportSettings, summary: RFMSummary, analysis: CustomerLifetimeValue.Analysis?,
        clvProblem: String?, survival: SurvivalAnalysis?, by: String?, segmentOf: ((AccountIndex, AccountTenure?) -> String)?,
        top: Int
    ) {
        self.dataset = dataset
        self.settings = settings
        self.summary = summary
        self.analysis = analysis
        self.clvProblem = clvProblem
        self.survival = survival
        self.by = by
        self.segmentOf = segmentOf
        self.top = top
    }

    /// Fits both models as `vitals clv --survival` does: BG/NBD and Gamma-Gamma on the orders up to `end` (a fit that
    /// cannot be made is reported in `clvProblem`), and Kaplan-Meier of subscription tenure as of the end of `end`.
    public static func analyse(
        dataset: Dataset, settings: ReportSettings, end: CivilDate, unit: LifetimeTimeUnit = .week, horizonMonths: Int = 12,
        discountRate: Double = 0.01, by: String?, top: Int = 20
    ) throws(LifetimeReportError) -> LifetimeReport {
        let fx = FxTable(reportingCurrency: settings.reportingCurrency, rates: dataset.fxRates)
        let summary = RFMSummary(orders: dataset.orders, fx: fx, calibrationEnd: end, unit: unit)
        let segmentOf = try segmenter(dataset, by: by)
        var analysis: CustomerLifetimeValue.Analysis?
        var problem: String?
        do {
            analysis = try CustomerLifetimeValue.analyse(summary, horizonMonths: horizonMonths, monthlyDiscountRate: discountRate)
        } catch {
            problem = "\(summary.customers.count) customers with orders up to \(end): \(error)"
        }
        let tenures = SubscriptionTenure.tenures(dataset: dataset, settings: settings, asOf: Timestamp(end.adding(days: 1)))
        let survival = SurvivalLifetimeValue.analyse(
            tenures, grossMargin: settings.grossMargin, segmentOf: segmentOf.map { f in { f($0.account, $0) } })
        return LifetimeReport(
            dataset: dataset, settings: settings, summary: summary, analysis: analysis, clvProblem: problem, survival: survival,
            by: by, segmentOf: segmentOf, top: top)
    }

    /// The segment of an account (and its tenure, for signup cohorts) by `by`: an account attribute, or
    /// signup_year, signup_quarter or signup_month; `nil` when `by` is nil.
    public static func segmenter(_ dataset: Dataset, by: String?) throws(LifetimeReportError) -> ((AccountIndex, AccountTenure?) -> String)? {
        guard let by else { return nil }
        let known = dataset.knownAttributes
        if !known.contains(by), let grain = ["signup_year": Grain.year, "signup_quarter": .quarter, "signup_month": .month][by] {
            // A customer's signup is its first paying instant (subscriptions) or, without a tenure, its first order.
            var firstOrder: [AccountIndex: Timestamp] = [:]
            for o in dataset.orders where firstOrder[o.account].map({ o.orderedAt < $0 }) ?? true {
                firstOrder[o.account] = o.orderedAt
            }
            return { account, tenure in
                guard let start = tenure?.start ?? firstOrder[account] else { return "(none)" }
                return grain.label(start: grain.start(containing: start.date))
            }
        }
        guard known.contains(by) else {
            throw LifetimeReportError(description: "unknown attribute '\(by)' (known: \(known.sorted().joined(separator: ", ")), signup_year, signup_quarter, signup_month)")
        }
        return { account, _ in dataset[account].attribute(by) ?? "(none)" }
    }

    private var currency: String { settings.reportingCurrency.description }
    private var minorScale: Double { Money.powerOfTen(settings.reportingCurrency.minorUnitExponent) }
    private var decimals: Int { settings.reportingCurrency.minorUnitExponent }

    private func money(_ major: Double) -> String { String(format: "%.\(decimals)f", major) }
    private func fixed(_ value: Double, _ places: Int) -> String { String(format: "%.\(places)f", value) }
    private func name(_ a: AccountIndex) -> String { dataset[a].id.rawValue }

    public func text() -> String {
        var out = ""
        let unit = summary.unit.rawValue
        if let a = analysis {
            let repeaters = summary.customers.filter { $0.frequency > 0 }.count
            out += "Customer lifetime value: orders up to \(summary.calibrationEnd), \(summary.customers.count) customers"
                + " (\(repeaters) with repeat purchases), time in \(unit)s\n"
            if summary.ordersWithoutRate > 0 { out += "  (\(summary.ordersWithoutRate) orders without an exchange rate left out)\n" }
            let p = a.bgnbd.parameters
            out += "BG/NBD       r \(fixed(p.r, 4))  alpha \(fixed(p.alpha, 4))  a \(fixed(p.a, 4))  b \(fixed(p.b, 4))"
                + "  log-likelihood \(fixed(a.bgnbd.logLikelihood, 2))\n"
            let g = a.gammaGamma.parameters
            out += "Gamma-Gamma  p \(fixed(g.p, 4))  q \(fixed(g.q, 4))  gamma \(fixed(g.gamma, 4))"
                + "  log-likelihood \(fixed(a.gammaGamma.logLikelihood, 2))  (\(a.gammaGamma.customers) repeat buyers)\n"
            if g.p > 1e4 {
                out += "  (p is very large: spend barely varies within customers, so each repeat buyer's expected spend is"
                    + " close to their own mean)\n"
            }
            let total = a.predictions.reduce(0) { $0 + $1.lifetimeValue }
            out += "CLV over \(a.horizonMonths) months at \(fixed(a.monthlyDiscountRate * 100, 2)) % a month: total \(money(total)) \(currency),"
                + " mean \(money(total / Double(max(1, a.predictions.count)))) \(currency)\n\n"
            let shown = top == 0 ? a.predictions[...] : a.predictions.prefix(top)
            out += "Top \(shown.count) customers by CLV (\(currency))\n"
            var rows = [["customer", "x", "t_x", "T", "mean spend", "E[purchases]", "P(alive)", "E[spend]", "CLV"]]
            for c in shown {
                rows.append([
                    name(c.customer.account), String(c.customer.frequency), fixed(c.customer.recency, 2),
                    fixed(c.customer.age, 2), money(c.customer.monetaryValue), fixed(c.expectedPurchases, 3),
                    fixed(c.probabilityAlive, 3), money(c.expectedAverageValue), money(c.lifetimeValue),
                ])
            }
            out += table(rows)
            if let by, let segmentOf {
                var groups: [String: (n: Int, clv: Double)] = [:]
                for c in a.predictions {
                    groups[segmentOf(c.customer.account, nil), default: (0, 0)].n += 1
                    groups[segmentOf(c.customer.account, nil), default: (0, 0)].clv += c.lifetimeValue
                }
                out += "\nCLV by \(by) (\(currency))\n"
                var rows = [[by, "customers", "total CLV", "mean CLV"]]
                for (k, v) in groups.sorted(by: { $0.key < $1.key }) {
                    rows.append([k, String(v.n), money(v.clv), money(v.clv / Double(v.n))])
                }
                out += table(rows)
            }
        } else if let clvProblem {
            out += "Customer lifetime value: not fitted (\(clvProblem))\n"
        }
        if let survival { out += (out.isEmpty ? "" : "\n") + survivalText(survival) }
        return out
    }

    private func survivalText(_ s: SurvivalAnalysis) -> String {
        let asOf = summary.calibrationEnd
        var out = "Subscription survival as of the end of \(asOf): tenure in months (30.4375 days), Kaplan-Meier with"
            + " Greenwood variance and log-log 95 % band\n"
        let segments = s.segments.isEmpty ? [s.overall] : [s.overall] + s.segments
        let tau = s.overall.restrictedTo
        var rows = [[by ?? "segment", "accounts", "churned", "median", "95 % CI", "RMST(\(fixed(tau, 1)))", "ARPA", "CLV"]]
        for seg in segments {
            let ci = seg.medianConfidenceInterval
            rows.append([
                seg.segment, String(seg.accounts), String(seg.churned), seg.median.map { fixed($0, 1) } ?? "not reached",
                "[\(ci.lower.map { fixed($0, 1) } ?? "inf"), \(ci.upper.map { fixed($0, 1) } ?? "inf")]",
                fixed(seg.restrictedMeanMonths, 2), seg.arpa.map { money($0 / minorScale) } ?? "-",
                seg.lifetimeValue.map { money($0 / minorScale) } ?? "-",
            ])
        }
        out += table(rows)
        out += "CLV = ARPA (revenue per paying account-month) x gross margin \(fixed(settings.grossMargin, 2)) x restricted mean"
            + " lifetime up to \(fixed(tau, 1)) months, in \(currency)\n"
        if let test = s.logRank {
            out += "Log-rank test across \(s.segments.count) segments: chi-square \(fixed(test.statistic, 3)),"
                + " \(test.degreesOfFreedom) df, p = \(String(format: "%.4g", test.pValue))\n"
        }
        let checkpoints = [1.0, 3, 6, 12, 18, 24, 36, 48, 60, 84, 120].filter { $0 <= max(tau, 1) }
        for seg in segments where seg.accounts > 0 {
            out += "\nKaplan-Meier, \(seg.segment)\n"
            var rows = [["month", "at risk", "survival", "lower", "upper"]]
            for m in checkpoints {
                let last = seg.kaplanMeier.steps.last { $0.time <= m }
                let atRisk = seg.kaplanMeier.steps.first { $0.time > m }?.atRisk ?? 0
                rows.append([
                    fixed(m, 0), String(atRisk), fixed(last?.survival ?? 1, 4), fixed(last?.lower ?? 1, 4),
                    fixed(last?.upper ?? 1, 4),
                ])
            }
            out += table(rows)
        }
        return out
    }

    private func table(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    public func json() -> String {
        var root: [String: Any] = [
            "calibration_end": summary.calibrationEnd.description, "time_unit": summary.unit.rawValue, "currency": currency,
            "customers_with_orders": summary.customers.count,
        ]
        if let a = analysis {
            let p = a.bgnbd.parameters
            let g = a.gammaGamma.parameters
            root["horizon_months"] = a.horizonMonths
            root["monthly_discount_rate"] = a.monthlyDiscountRate
            root["bgnbd"] = ["r": p.r, "alpha": p.alpha, "a": p.a, "b": p.b, "log_likelihood": a.bgnbd.logLikelihood]
            root["gamma_gamma"] = [
                "p": g.p, "q": g.q, "gamma": g.gamma, "log_likelihood": a.gammaGamma.logLikelihood,
                "customers": a.gammaGamma.customers,
            ]
            root["customers"] = a.predictions.map { c -> [String: Any] in
                var row: [String: Any] = [
                    "account_id": name(c.customer.account), "frequency": c.customer.frequency, "recency": c.customer.recency,
                    "T": c.customer.age, "monetary_value": c.customer.monetaryValue,
                    "expected_purchases": c.expectedPurchases, "probability_alive": c.probabilityAlive,
                    "expected_average_value": c.expectedAverageValue, "clv": c.lifetimeValue,
                ]
                if let segmentOf, let by { row[by] = segmentOf(c.customer.account, nil) }
                return row
            }
        } else if let clvProblem {
            root["clv_error"] = clvProblem
        }
        if let s = survival {
            func segment(_ seg: SegmentSurvival) -> [String: Any] {
                let ci = seg.medianConfidenceInterval
                return [
                    "segment": seg.segment, "accounts": seg.accounts, "churned": seg.churned,
                    "median_months": seg.median as Any, "median_ci_lower": ci.lower as Any, "median_ci_upper": ci.upper as Any,
                    "restricted_to_months": seg.restrictedTo, "restricted_mean_months": seg.restrictedMeanMonths,
                    "arpa": seg.arpa.map { $0 / minorScale } as Any, "clv": seg.lifetimeValue.map { $0 / minorScale } as Any,
                    "kaplan_meier": seg.kaplanMeier.eventSteps.map {
                        ["months": $0.time, "at_risk": $0.atRisk, "events": $0.events, "survival": $0.survival,
                         "standard_error": $0.standardError, "lower": $0.lower, "upper": $0.upper] as [String: Any]
                    },
                ]
            }
            var obj: [String: Any] = ["gross_margin": settings.grossMargin, "overall": segment(s.overall)]
            if !s.segments.isEmpty { obj["segments"] = s.segments.map(segment) }
            if let by { obj["by"] = by }
            if let t = s.logRank {
                obj["log_rank"] = ["chi_square": t.statistic, "degrees_of_freedom": t.degreesOfFreedom, "p_value": t.pValue]
            }
            root["survival"] = obj
        }
        let cleaned = LifetimeReport.nullify(root)
        let data = (try? JSONSerialization.data(withJSONObject: cleaned, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Optionals to NSNull and non-finite doubles to null, which JSONSerialization cannot write.
    private static func nullify(_ value: Any) -> Any {
        switch value {
        case let d as [String: Any]: return d.mapValues(nullify)
        case let a as [Any]: return a.map(nullify)
        case let x as Double: return x.isFinite ? x : NSNull()
        default:
            let mirror = Mirror(reflecting: value)
            guard mirror.displayStyle == .optional else { return value }
            return mirror.children.first.map { nullify($0.value) } ?? NSNull()
        }
    }
}


public struct LifetimeReportError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
