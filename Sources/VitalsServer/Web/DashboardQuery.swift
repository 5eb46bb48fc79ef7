import VitalsApp
import VitalsCore
import VitalsFormats
import VitalsStore

/// The period and segment a dashboard page shows, read from its query string.
///
/// By default the last twelve periods of the grain, ending with the one that holds `asOf`; with `from` and `to`, the
/// periods of that range. The last period is the "current" one that tiles show, compared with the one before it.
struct DashboardQuery {
    var grain: Grain = .month
    var from: CivilDate?
    var to: CivilDate?
    var segmentText: String?
    var segment: SegmentFilter?
    /// The periods shown (oldest first); never empty.
    var periods: [Period] = []
    /// A problem with the query, shown on the page (the defaults apply instead).
    var problem: String?
    /// The segment picker's attributes and values, when the page offers it.
    var picker: SegmentPicker?
    /// The workspace's saved segments, and the form token to save or delete one (set by the page).
    var saved: [SavedSegment] = []
    var csrfToken: String?

    static let grains: [Grain] = [.month, .quarter, .year, .week]
    static let defaultCount = 12

    init(_ parameters: [String: String], view: WorkspaceView, asOf: CivilDate) {
        var problems: [String] = []
        if let g = parameters["grain"], !g.isEmpty {
            if let parsed = Grain(rawValue: g), parsed != .day { grain = parsed } else { problems.append("grain '\(g)' is not month, quarter, year or week") }
        }
        func bound(_ name: String) -> (first: CivilDate, last: CivilDate)? {
            guard let text = parameters[name], !text.isEmpty else { return nil }
            do { return try CivilDate.parseBound(text) } catch {
                problems.append("\(name): \(error.description)")
                return nil
            }
        }
        from = bound("from")?.first
        to = bound("to")?.last
        if let f = from, let t = to, f > t {
            problems.append("from is after to")
            from = nil
            to = nil
        }
        // The segment box's expression, with the picker's clause added (`and`) when one was picked.
        var text = parameters["segment"]?.trimmingCharacters(in: .whitespaces) ?? ""
        switch SegmentPicker.clause(parameters) {
        case .success(let clause?): text = text.isEmpty ? clause : "\(text) and \(clause)"
        case .success(nil): break
        case .failure(let problem): problems.append("segment: \(problem.text)")
        }
        if !text.isEmpty {
            do {
                segment = try SegmentFilter.parse(text, knownAttributes: view.knownAttributes)
                segmentText = text
            } catch {
                problems.append("segment: \(error.description)")
            }
        }
        // By default the last complete period: a month to date against a whole month would mislead every tile.
        let last = to ?? Self.latestWholePeriod(grain: grain, asOf: asOf).endDate.adding(days: -1)
        if let from {
            periods = Period.range(from: from, through: last, grain: grain)
            if periods.count > 400 {
                problems.append("too many \(grain.rawValue) periods; showing the last 400")
                periods = Array(periods.suffix(400))
            }
        } else {
            var p = Period(grain: grain, containing: last)
            var list = [p]
            for _ in 1..<Self.defaultCount {
                p = p.previous
                list.insert(p, at: 0)
            }
            periods = list
        }
        problem = problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    var current: Period { periods[periods.count - 1] }

    /// The latest complete period of `grain` as of the day `asOf` (that day counting as complete): the period the
    /// tiles show by default.
    static func latestWholePeriod(grain: Grain, asOf: CivilDate) -> Period {
        let containing = Period(grain: grain, containing: asOf)
        return containing.endDate.adding(days: -1) <= asOf ? containing : containing.previous
    }

    /// The periods with the one before the first, so that every shown period has a predecessor to compare with.
    var periodsWithPrevious: [Period] { [periods[0].previous] + periods }

    /// The query string that keeps this period and segment on links.
    var queryString: String {
        URLQuery.encode([
            ("grain", grain == .month ? nil : grain.rawValue), ("from", from?.description), ("to", to?.description),
            ("segment", segmentText),
        ])
    }

    /// What a page built from this query is cached under: its query string, and what was wrong with the request (a
    /// bad segment leaves no trace in the query string, but its warning is on the page).
    var cacheKey: String { queryString + "|" + (problem ?? "") }

    /// The filter form shown at the top of dashboard pages; `controls` are a page's own filters, after the segment.
    func form(action: String, extra: [(String, String)] = [], controls: HTML = "") -> HTML {
        let options = Self.grains.map { g -> HTML in
            g == grain ? "<option value=\"\(g.rawValue)\" selected>\(g.rawValue)</option>" : "<option value=\"\(g.rawValue)\">\(g.rawValue)</option>"
        }
        let hidden = extra.map { k, v -> HTML in "<input type=\"hidden\" name=\"\(k)\" value=\"\(v)\">" }
        let warning: HTML = problem.map { "<p class=\"error\" role=\"alert\">\($0)</p>" } ?? ""
        return """
            \(warning)<form class="filters" method="get" action="\(action)">\(hidden)
            <label>Period<select name="grain">\(options)</select></label>
            <label>From<input type="date" name="from" value="\(from?.description)"></label>
            <label>To<input type="date" name="to" value="\(to?.description)"></label>
            <label>Segment<input type="text" name="segment" value="\(segmentText)" placeholder="e.g. plan=pro and country=US" size="28"></label>
            \(picker?.controls)\(savedControls)\(controls)<button type="submit">Apply</button></form>\(saveForm(action: action))
            """
    }

    /// A choice of the saved segments: one chosen replaces the segment box's expression.
    var savedControls: HTML {
        guard !saved.isEmpty else { return "" }
        let options = saved.map { seg -> HTML in
            seg.expression == segmentText
                ? "<option value=\"\(seg.name)\" selected>\(seg.name)</option>" : "<option value=\"\(seg.name)\">\(seg.name)</option>"
        }
        return "<label>Saved<select name=\"saved\" aria-label=\"Saved segments\"><option value=\"\">-</option>\(options)</select></label>"
    }

    /// Save the segment in force under a name (for everyone in the workspace), or delete the saved one it is.
    func saveForm(action: String) -> HTML {
        guard let csrfToken, let segmentText else { return "" }
        let back = action + (queryString.isEmpty ? "" : "?" + queryString)
        let current = saved.first { $0.expression == segmentText }
        let delete: HTML = current.map { seg in
            """
            <form method="post" action="/segments/delete" class="inline"><input type="hidden" name="csrf" value="\(csrfToken)">\
            <input type="hidden" name="name" value="\(seg.name)"><input type="hidden" name="back" value="\(back)">\
            <button type="submit">Delete saved segment &#8220;\(seg.name)&#8221;</button></form>
            """
        } ?? ""
        return """
            <div class="filters" style="margin-top:-8px"><form method="post" action="/segments" class="inline" aria-label="Save this segment">\
            <input type="hidden" name="csrf" value="\(csrfToken)"><input type="hidden" name="expression" value="\(segmentText)">\
            <input type="hidden" name="back" value="\(back)">\
            <label>Save this segment as <input name="name" required maxlength="100" size="16" value="\(current?.name)"></label> \
            <button type="submit">Save</button></form> \(delete)</div>
            """
    }
}
