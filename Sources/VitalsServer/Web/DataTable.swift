/// A table of a page, which renders as HTML and downloads as CSV from the same data, so every table on the dashboard
/// can be exported exactly as shown.
struct DataTable {
    struct Column {
        var title: String
        var numeric: Bool = false
        /// A sort key for the column's header link (the accounts table), if sortable.
        var sortKey: String? = nil
        /// Long text that wraps rather than widening the table (comments, timeline details).
        var wraps: Bool = false
        /// Whether the download has the column (not a column of forms).
        var inCSV: Bool = true
        /// Whether the page shows the column (not one the download has apart, such as an id beside a name).
        var inHTML: Bool = true
    }

    struct Cell {
        /// What the page shows.
        var text: String
        /// What the CSV holds (plain numbers, ISO dates); the text when nil.
        var raw: String? = nil
        var link: String? = nil
        /// Extra attributes for tests and scripts (e.g. data-value).
        var data: [(String, String)] = []
        /// Markup shown instead of the text (a cell's forms); the CSV holds `raw` or the text.
        var markup: HTML? = nil
    }

    /// Names the table in `table=` download links.
    var name: String
    var caption: String
    var columns: [Column]
    var rows: [[Cell]]
    /// What an empty table says.
    var emptyText = "Nothing to show for this period and segment."

    func html(downloadQuery: String, path: String, downloadable: Bool = true, sortLinks: (String) -> String? = { _ in nil }) -> HTML {
        let shown = columns.indices.filter { columns[$0].inHTML }
        let head = shown.map { columns[$0] }.map { c -> HTML in
            let cls: HTML = c.numeric ? " class=\"num\"" : ""
            if let key = c.sortKey, let href = sortLinks(key) { return "<th\(cls) scope=\"col\"><a href=\"\(href)\">\(c.title)</a></th>" }
            return "<th\(cls) scope=\"col\">\(c.title)</th>"
        }
        let body = rows.map { row -> HTML in
            let cells = shown.map { (columns[$0], row[$0]) }.map { column, cell -> HTML in
                let cls: HTML = column.numeric ? " class=\"num\"" : column.wraps ? " class=\"wrap\"" : ""
                let data = HTML.joined(cell.data.map { k, v in " data-\(k)=\"\(v)\"" })
                let content: HTML = cell.markup ?? cell.link.map { "<a href=\"\($0)\">\(cell.text)</a>" } ?? "\(cell.text)"
                return "<td\(cls)\(data)>\(content)</td>"
            }
            return "<tr>\(cells)</tr>"
        }
        let separator = downloadQuery.isEmpty ? "" : "&"
        let csv = "\(path)?\(downloadQuery)\(separator)format=csv&table=\(name)"
        let link: HTML = downloadable ? "<a class=\"download\" href=\"\(csv)\" download>Download CSV</a>" : ""
        let empty: HTML = rows.isEmpty ? "<p class=\"muted\">\(emptyText)</p>" : ""
        return """
            <div class="card"><table data-table="\(name)"><caption class="muted" style="text-align:left">\(caption)\(link)</caption>\
            <thead><tr>\(head)</tr></thead><tbody>\(body)</tbody></table>\(empty)</div>
            """
    }

    /// RFC 4180 CSV: a header row, then one row per table row; fields with commas, quotes or line breaks quoted.
    var csv: String {
        let kept = columns.indices.filter { columns[$0].inCSV }
        var out = kept.map { Self.field(columns[$0].title) }.joined(separator: ",") + "\r\n"
        for row in rows { out += kept.map { Self.field(row[$0].raw ?? row[$0].text) }.joined(separator: ",") + "\r\n" }
        return out
    }

    static func field(_ value: String) -> String {
        var s = value
        // A leading =, +, -, @, tab or carriage return makes a spreadsheet read the cell as a formula (OWASP, "CSV
        // injection"): neutralised with a leading ' unless the value is a plain number. Checked before quoting, so
        // that a value with a comma or quote is guarded too.
        if let first = s.unicodeScalars.first, "=+@\t\r".unicodeScalars.contains(first) || first == "-" && Double(s) == nil {
            s = "'" + s
        }
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension DataTable {
    /// "Previous  Page 2 of 5  Next" under a paged table (nothing when there is one page); `link` gives a page's URL.
    static func pager(page: Int, pageCount: Int, link: (Int) -> String) -> HTML {
        guard pageCount > 1 else { return "" }
        let previous: HTML = page > 1 ? "<a href=\"\(link(page - 1))\">Previous</a>" : ""
        let next: HTML = page < pageCount ? "<a href=\"\(link(page + 1))\">Next</a>" : ""
        return "<p class=\"pager\">\(previous) Page \(page) of \(pageCount) \(next)</p>"
    }
}
