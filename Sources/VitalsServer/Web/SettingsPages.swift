import Foundation
import VitalsApp
import VitalsCore
import VitalsFormats
import VitalsStore

/// The views of `/admin/settings` and `/admin/health` (docs/configuration.md, "Settings saved in the dashboard").
enum SettingsPages {
    /// The `[report]` keys the workspace settings form edits, in its order.
    static let reportKeys = ["currency", "gross_margin", "delinquency_days", "onboarding_overdue_days", "renewal_grace_days"]

    /// The `[report]` section a submitted form makes. Gross margin is typed as a percentage and saved as a fraction;
    /// a value that is not a number is saved as text, so that the loader names it.
    static func reportText(_ form: [String: String]) -> String {
        var lines = ["[report]"]
        lines.append("currency = \(SettingsForm.quoted((form["currency"] ?? "").trimmingCharacters(in: .whitespaces).uppercased()))")
        lines.append("gross_margin = \(SettingsForm.literal(form["gross_margin"] ?? "", scale: 0.01))")
        for key in reportKeys.dropFirst(2) { lines.append("\(key) = \(SettingsForm.literal(form[key] ?? "", whole: true))") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func report(
        _ current: EffectiveSettings, fileName: String, form: [String: String]?, problems: [String], csrf: String,
        notice: AdminPages.Notice?
    ) -> HTML {
        let r = current.report
        let (byKey, rest) = SettingsForm.split(problems, keys: reportKeys)
        func value(_ key: String, _ fallback: String) -> String { form?[key] ?? fallback }
        let chosen = value("currency", r.reportingCurrency.code)
        let options = HTML.joined(CurrencyCode.all.map { c -> HTML in
            let label = c.symbol == c.code ? c.code : "\(c.code) (\(c.symbol))"
            return c.code == chosen ? "<option value=\"\(c.code)\" selected>\(label)</option>" : "<option value=\"\(c.code)\">\(label)</option>"
        })
        func number(_ key: String, _ fallback: String, min: String, max: String, step: String) -> HTML {
            "<input name=\"\(key)\" type=\"number\" inputmode=\"decimal\" min=\"\(min)\" max=\"\(max)\" step=\"\(step)\" value=\"\(value(key, fallback))\" required>"
        }
        let fields: [SettingsForm.Field] = [
            .init(label: "Reporting currency", control: "<select name=\"currency\">\(options)</select>",
                  hint: "Every money KPI is converted to it with the workspace's rates.", problems: byKey["currency"] ?? []),
            .init(label: "Gross margin (%)", control: number("gross_margin", SettingsForm.number(r.grossMargin * 100), min: "0", max: "100", step: "any"),
                  hint: "Used by LTV and CAC payback (docs/metrics.md).", problems: byKey["gross_margin"] ?? []),
            .init(label: "Delinquency window (days)", control: number("delinquency_days", String(r.delinquencyDays), min: "0", max: "3650", step: "1"),
                  hint: "A past-due subscription counts as MRR this long before it churns.", problems: byKey["delinquency_days"] ?? []),
            .init(label: "Onboarding overdue horizon (days)",
                  control: number("onboarding_overdue_days", String(r.onboardingOverdueDays), min: "1", max: "36500", step: "1"),
                  hint: "Milestones due longer ago than this no longer count as overdue.", problems: byKey["onboarding_overdue_days"] ?? []),
            .init(label: "Renewal grace (days)", control: number("renewal_grace_days", String(r.renewalGraceDays), min: "0", max: "365", step: "1"),
                  hint: "A late renewal within this many days of its due date still counts.", problems: byKey["renewal_grace_days"] ?? []),
        ]
        return """
            <h1>Admin</h1>\(AdminPages.tabs(.settings))\(notice?.html)\(errors(rest + current.problems))
            <h2>Workspace settings</h2>\(SettingsForm.origin(current.saved[SettingsSections.report], fileName: fileName, reset: "/admin/settings/reset", csrf: csrf))
            <form method="post" action="/admin/settings" class="settings card" id="report">\(AdminPages.hidden(csrf))\
            \(fields.map(\.html))<div class="actions"><button type="submit">Save</button></div></form>
            <p class="muted">Saved as the <code>[report]</code> section of \(fileName) for this workspace, checked as the file is.</p>
            """
    }

    static func errors(_ problems: [String]) -> HTML {
        problems.isEmpty ? "" : AdminPages.Notice.problems(problems).html
    }

    // MARK: [health]

    /// The `[health]` keys the health model form edits: the bands, then each component's weight.
    static var healthKeys: [String] { ["yellow_from", "green_from"] + HealthComponent.allCases.map(\.rawValue) }

    /// The `[health]` section a submitted form makes over `base` (the section the workspace runs with now): its other
    /// keys stay. A value that is not a number is named here; the loader checks the rest.
    static func healthText(_ form: [String: String], base: String) -> Result<String, ProblemList> {
        var problems: [String] = []
        func read(_ key: String, _ label: String) -> Double {
            let text = (form[key] ?? "").trimmingCharacters(in: .whitespaces)
            guard let x = Double(text), x.isFinite else {
                problems.append("[health] \(label): '\(text)' is not a number")
                return 0
            }
            return x
        }
        let yellow = read("yellow_from", "yellow_from")
        let green = read("green_from", "green_from")
        let weights = HealthComponent.allCases.map { (key: $0.rawValue, value: read("weight_\($0.rawValue)", "weights.\($0.rawValue)")) }
        guard problems.isEmpty else { return .failure(ProblemList(problems)) }
        do throws(ConfigurationError) {
            return .success(try SettingsSections.healthText(base: base, yellowFrom: yellow, greenFrom: green, weights: weights))
        } catch {
            return .failure(ProblemList(error.problems))
        }
    }

    static func health(
        _ current: EffectiveSettings, fileName: String, form: [String: String]?, problems: [String], csrf: String,
        notice: AdminPages.Notice?
    ) -> HTML {
        let model = current.configuration.health.defaultModel
        let (byKey, rest) = SettingsForm.split(problems, keys: healthKeys)
        let total = model.weights.reduce(0, +)
        let rows = HealthComponent.allCases.map { c -> HTML in
            let w = model.weight(c)
            let share = total > 0 ? SettingsForm.percent(w / total) : "-"
            let errors = (byKey[c.rawValue] ?? []).map { p -> HTML in "<small class=\"field-error\" role=\"alert\">\(p)</small>" }
            return """
                <tr data-component="\(c.rawValue)"><td>\(c.title)<br><small class="muted"><code>\(c.rawValue)</code></small></td>\
                <td class="num"><input name="weight_\(c.rawValue)" type="number" min="0" max="1000000" step="any" size="6" \
                value="\(form?["weight_\(c.rawValue)"] ?? SettingsForm.number(w))" aria-label="Weight of \(c.title)" required>\(errors)</td>\
                <td class="num" data-share>\(share)</td></tr>
                """
        }
        func band(_ key: String, _ label: String, _ value: Double, _ hint: String) -> SettingsForm.Field {
            SettingsForm.Field(
                label: label,
                control: "<input name=\"\(key)\" type=\"number\" min=\"0\" max=\"100\" step=\"any\" value=\"\(form?[key] ?? SettingsForm.number(value))\" required>",
                hint: hint, problems: byKey[key] ?? [])
        }
        let segments: HTML = current.configuration.health.segmentModels.isEmpty ? "" : """
            <p class="muted">Segment models (\(current.configuration.health.segmentModels.map(\.name).joined(separator: ", "))) \
            take the weights they do not set themselves from this model; edit their own in \(fileName).</p>
            """
        return """
            <h1>Admin</h1>\(AdminPages.tabs(.health))\(notice?.html)\(errors(rest + current.problems))
            <h2>Health model</h2>\(SettingsForm.origin(current.saved[SettingsSections.health], fileName: fileName, reset: "/admin/health/reset", csrf: csrf))
            <form method="post" action="/admin/health" id="health">\(AdminPages.hidden(csrf))
            <div class="settings card">\
            \(band("yellow_from", "At risk below (yellow from)", model.bands.yellowFrom, "Scores below this are red.").html)\
            \(band("green_from", "Healthy from (green from)", model.bands.greenFrom, "Scores from this on are green; between the two, yellow.").html)</div>
            <div class="card"><table data-table="weights"><caption class="muted" style="text-align:left">Weight of each component in the \
            score (docs/health.md); a weight of 0 leaves it out. Share: the weight as a part of the total saved now \
            (\(SettingsForm.number(total))).</caption><thead><tr><th scope="col">Component</th><th scope="col" class="num">Weight</th>\
            <th scope="col" class="num">Share</th></tr></thead><tbody>\(rows)</tbody></table></div>
            <div class="actions"><button type="submit">Save</button></div></form>\(segments)
            <p class="muted">Saved as the <code>[health]</code> section of \(fileName) for this workspace (its other keys: windows, \
            key features, thresholds and segment models, are kept as they are), checked as the file is.</p>
            """
    }
}

/// Problems found with a form, each naming its field.
struct ProblemList: Error {
    var problems: [String]
    init(_ problems: [String]) { self.problems = problems }
}
