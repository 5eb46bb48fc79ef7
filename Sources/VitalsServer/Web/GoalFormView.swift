import VitalsCore
import VitalsFormats

/// The goal editing form (docs/goals.md, editing a goal): the goal (KGI) and its optional own target, then each key
/// success factor with its KPI targets, rows added and removed by buttons that post the form back (no script). A
/// problem is shown beside the field it is about, with the input kept as typed.
struct GoalFormView {
    var form: GoalForm
    /// Problems by field name (`ksf[0].targets[1].value`); those of no field on the form are listed at the top.
    var problems: [String: [String]] = [:]
    var action: String
    var csrfToken: String
    var currency: CurrencyCode

    /// Places the API's problems (`GoalProblem`: path and key) and the form's own (by field) on their fields.
    static func place(_ found: [GoalProblem], typed: [String: String]) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for (field, reason) in typed { out[field, default: []].append(reason) }
        for p in found {
            var field = GoalProblem.join(p.path, p.key)
            if let stages = field.range(of: ".stages") {
                field = String(field[..<stages.lowerBound]) + ".stages"
            } else if p.key == "change" {
                field = GoalProblem.join(p.path, "value")
            }
            // A problem on a field the form could not read as typed is that one (already placed).
            if typed[field] != nil { continue }
            let reason = p.key == "change" ? p.reason + " (here in percent: -10 = 10 % less)" : p.reason
            out[field, default: []].append(reason)
        }
        return out
    }

    /// Every field name the form shows.
    var fieldNames: Set<String> {
        var names = Set(GoalForm.goalKeys)
        for key in GoalForm.targetKeys { names.insert("target.\(key)") }
        for (i, f) in form.factors.enumerated() {
            names.insert("ksf[\(i)].name")
            names.insert("ksf[\(i)].description")
            for j in f.targets.indices { for key in GoalForm.targetKeys { names.insert("ksf[\(i)].targets[\(j)].\(key)") } }
        }
        return names
    }

    func render() -> HTML {
        let names = fieldNames
        let elsewhere = problems.filter { !names.contains($0.key) }.sorted { $0.key < $1.key }
            .flatMap { field, reasons in reasons.map { field.isEmpty ? $0 : "\(field): \($0)" } }
        let count = problems.values.reduce(0) { $0 + $1.count }
        let summary: HTML = count == 0 ? "" : """
            <div class="error" role="alert" data-problems="\(count)">Nothing was saved: \(count == 1 ? "one field needs" : "\(count) problems need") \
            a change, marked below.\(elsewhere.isEmpty ? "" : HTML(raw: "<ul class=\"plain\">") + HTML.joined(elsewhere.map { "<li>\($0)</li>" }) + "</ul>")</div>
            """
        let factors = form.factors.enumerated().map { i, f in factor(i, f) }
        return """
            <style>\(HTML(raw: Self.styles))</style>\(summary)
            <form method="post" action="\(action)" class="goalform" novalidate><input type="hidden" name="csrf" value="\(csrfToken)">\
            <button type="submit" name="action" value="save" class="default" tabindex="-1" aria-hidden="true">Save</button>
            <fieldset><legend>Goal (KGI)</legend><div class="fields">\
            \(input("name", "Name", required: true))\(input("key", "Key", hint: "a-z, 0-9, - _ . (unique in the workspace)", required: true))\
            \(input("owner", "Owner"))\(input("start", "Start", type: "date", hint: "the baseline date (default: today)"))\
            \(input("deadline", "Deadline", type: "date", required: true))</div>\
            \(textarea("description", "Description"))</fieldset>
            <fieldset data-target="target"><legend>The KGI's own target (optional)</legend>\
            \(target("target", form.target, own: true))</fieldset>
            <h2>Key success factors</h2>\(factors)
            <p><button type="submit" name="action" value="add-ksf" class="secondary">Add a key success factor</button></p>
            <p class="actions"><button type="submit" name="action" value="save">Save the goal</button> <a href="/goals">Cancel</a></p></form>
            """
    }

    func factor(_ i: Int, _ f: GoalForm.Factor) -> HTML {
        let at = "ksf[\(i)]"
        let targets = f.targets.enumerated().map { j, t -> HTML in
            let path = "\(at).targets[\(j)]"
            return """
                <div class="target" data-target="\(path)"><h3>Target \(j + 1)</h3>\(target(path, t, own: false))\
                <button type="submit" name="action" value="remove-target:\(i):\(j)" class="secondary">Remove this target</button></div>
                """
        }
        return """
            <fieldset data-ksf="\(i)"><legend>Key success factor \(i + 1)</legend><div class="fields">\
            \(input("\(at).name", "Name", value: f.name, required: true))</div>\(textarea("\(at).description", "Description", value: f.description))\
            \(targets)<p><button type="submit" name="action" value="add-target:\(i)" class="secondary">Add a target</button> \
            <button type="submit" name="action" value="remove-ksf:\(i)" class="secondary">Remove this key success factor</button></p></fieldset>
            """
    }

    /// One target's fields at `path`; the KGI's own (`own`) may have no KPI, and takes the goal's deadline by default.
    func target(_ path: String, _ t: GoalForm.Target, own: Bool) -> HTML {
        let kpis = KPI.allCases.filter(\.isTargetable).map { ($0.id, "\($0.title) (\($0.id))") }
        let kpiUnit = Self.unit(t.kpi, currency: currency)
        let unit = t["mode"] == "change" ? "%" : kpiUnit
        let direction = t.kpi.map { "KPI's own: \($0.betterDirection == .higher ? "higher" : "lower")" } ?? "the KPI's own"
        return """
            <div class="fields">\
            \(select("\(path).kpi", "KPI", value: t["kpi"], options: (own ? [("", "none")] : []) + kpis, required: !own))\
            \(select("\(path).mode", "Target", value: t["mode"], options: [("value", "reach a value"), ("change", "change from the baseline by")]))\
            \(input("\(path).value", "Value", value: t["value"], type: "text", unit: unit, hint: "rates in %, money in \(currency.code), change in %", inputMode: "decimal"))\
            \(select("\(path).direction", "Better when", value: t["direction"], options: [("", direction), ("higher", "higher"), ("lower", "lower")]))\
            \(input("\(path).deadline", "Deadline", value: t["deadline"], type: "date", hint: own ? "default: the goal's" : nil, required: !own))\
            \(input("\(path).start", "Start", value: t["start"], type: "date", hint: "default: the goal's start"))\
            \(select("\(path).review", "Review", value: t["review"], options: [("", "monthly (default)")] + ReviewCadence.allCases.map { ($0.rawValue, $0.rawValue) }))\
            \(select("\(path).grain", "Measured per", value: t["grain"], options: [("", "month (default)")] + Grain.allCases.map { ($0.rawValue, $0.rawValue) }))\
            \(input("\(path).segment", "Segment", value: t["segment"], hint: "e.g. touch = high (default: all accounts)"))\
            \(input("\(path).label", "Label", value: t["label"]))\
            \(input("\(path).baseline", "Baseline", value: t["baseline"], unit: kpiUnit, hint: "default: the KPI at the start", inputMode: "decimal"))\
            \(input("\(path).trend_periods", "Trend periods", value: t["trend_periods"], type: "number", hint: "3 to 120 (default 12)"))\
            </div><input type="hidden" name="\(path).id" value="\(t["id"])"><input type="hidden" name="\(path).stages" value="\(t["stages"])">\
            \(t["stages"].isEmpty ? nil : "<p class=\"muted\">This target has stages (milestones): kept as they are; docs/goals.md shows how to change them through the API.</p>" as HTML)\
            \(errors("\(path).stages"))\(errors("\(path).id"))
            """
    }

    /// What a KPI's values are typed in on the form: %, the currency, or the time unit of a duration KPI.
    static func unit(_ kpi: KPI?, currency: CurrencyCode) -> String {
        switch kpi {
        case .medianDaysToOnboard?: return "days"
        case .medianResolutionHours?: return "hours"
        case .cacPaybackMonths?: return "months"
        case .avgTimeOnPlatformMinutes?: return "min/day"
        default: break
        }
        switch kpi?.unit {
        case .rate?: return "%"
        case .money?: return currency.code
        default: return ""
        }
    }

    func errors(_ name: String) -> HTML {
        guard let reasons = problems[name], !reasons.isEmpty else { return "" }
        return "<span class=\"field-error\" id=\"\(Self.id(name))-error\">\(reasons.joined(separator: "; "))</span>"
    }

    func input(
        _ name: String, _ label: String, value: String? = nil, type: String = "text", unit: String = "", hint: String? = nil,
        required: Bool = false, inputMode: String? = nil
    ) -> HTML {
        let bad = problems[name] != nil
        let field: HTML = """
            <input type="\(type)" name="\(name)" id="\(Self.id(name))" value="\(value ?? form[name])"\
            \(required ? HTML(raw: " required") : "")\(inputMode.map { HTML(raw: " inputmode=\"\($0)\"") } ?? "")\
            \(bad ? HTML(raw: " aria-invalid=\"true\" aria-describedby=\"\(Self.id(name))-error\"") : "")>
            """
        return """
            <label for="\(Self.id(name))"\(bad ? HTML(raw: " class=\"bad\"") : "")><span>\(label)\(required ? " *" : "")</span>\
            <span class="with-unit">\(field)\(unit.isEmpty ? nil : "<span class=\"unit\">\(unit)</span>" as HTML)</span>\
            \(hint.map { h -> HTML in "<small class=\"muted\">\(h)</small>" })\(errors(name))</label>
            """
    }

    func textarea(_ name: String, _ label: String, value: String? = nil) -> HTML {
        """
        <label for="\(Self.id(name))" class="wide\(problems[name] != nil ? " bad" : "")"><span>\(label)</span>\
        <textarea name="\(name)" id="\(Self.id(name))" rows="2">\(value ?? form[name])</textarea>\(errors(name))</label>
        """
    }

    func select(_ name: String, _ label: String, value: String, options: [(String, String)], required: Bool = false) -> HTML {
        let bad = problems[name] != nil
        var known = options
        if !value.isEmpty, !options.contains(where: { $0.0 == value }) { known.append((value, value)) }  // kept as typed
        let list = known.map { v, title -> HTML in
            "<option value=\"\(v)\"\(v == value ? HTML(raw: " selected") : "")>\(title)</option>"
        }
        return """
            <label for="\(Self.id(name))"\(bad ? HTML(raw: " class=\"bad\"") : "")><span>\(label)\(required ? " *" : "")</span>\
            <select name="\(name)" id="\(Self.id(name))"\(bad ? HTML(raw: " aria-invalid=\"true\" aria-describedby=\"\(Self.id(name))-error\"") : "")>\(list)</select>\
            \(errors(name))</label>
            """
    }

    /// An element id for a field name: `ksf[0].targets[1].value` -> `f-ksf-0-targets-1-value`.
    static func id(_ name: String) -> String {
        "f-" + String(name.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "-" }).replacingOccurrences(of: "--", with: "-")
    }

    static let styles = """
        .goalform fieldset{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 12px;margin:10px 0;min-width:0}
        .goalform legend{font-weight:600;padding:0 4px}
        .goalform .fields{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:8px 12px}
        .goalform label{display:flex;flex-direction:column;gap:2px;font-size:12px;color:var(--muted);min-width:0}
        .goalform label>span:first-child{font-weight:600;color:var(--ink)}
        .goalform label.wide{margin-top:8px}.goalform textarea{width:100%}
        .goalform .with-unit{display:flex;align-items:center;gap:4px}.goalform .with-unit input{flex:1;min-width:0;width:100%}
        .goalform select{width:100%;min-width:0}.goalform .unit{color:var(--ink)}
        .goalform .target{border-top:1px dashed var(--line);margin-top:10px;padding-top:8px}
        .goalform label.bad input,.goalform label.bad select,.goalform label.bad textarea{border-color:var(--bad);background:#fff7f7}
        .goalform .field-error{color:var(--bad);font-size:12px}
        .goalform button.secondary{background:#fff;color:var(--accent)}
        .goalform button.default{position:absolute;left:-9999px;width:1px;height:1px;overflow:hidden}
        .goalform .actions{margin:14px 0}
        """
}
