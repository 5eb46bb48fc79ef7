import VitalsCore

/// The frame of every dashboard page: head with the inline style sheet, navigation, and the signed-in person.
struct PageLayout {
    var title: String
    var active: Section
    var userName: String?
    var csrfToken: String?
    /// The signed-in person's role: admins see the Admin section in the navigation.
    var role: Role? = nil
    /// The query of the period and segment in force, carried by the navigation links.
    var query: String = ""
    /// Sections whose pages exist (a section is listed once its page is served).
    var sections: [Section] = [.overview, .revenue, .accounts, .renewals, .support, .goals, .health]

    enum Section: String, CaseIterable {
        case overview, revenue, accounts, renewals, support, goals, health, admin
        var title: String {
            switch self {
            case .overview: "Overview"
            case .revenue: "Revenue"
            case .accounts: "Accounts"
            case .renewals: "Renewals"
            case .support: "Support"
            case .goals: "Goals"
            case .health: "Health & alerts"
            case .admin: "Admin"
            }
        }
        var path: String { self == .overview ? "/" : "/\(rawValue)" }
    }

    func render(_ body: HTML) -> HTML {
        let shown = sections + (role == .admin && !sections.isEmpty ? [.admin] : [])
        let links = shown.map { s -> HTML in
            let href = s.path + (query.isEmpty || s == .admin ? "" : "?" + query)
            return s == active
                ? "<a href=\"\(href)\" aria-current=\"page\">\(s.title)</a>"
                : "<a href=\"\(href)\">\(s.title)</a>"
        }
        var account: HTML = ""
        if let userName, let csrfToken {
            account = """
                <form method="post" action="/logout" class="signout"><span>\(userName)</span>\
                <input type="hidden" name="csrf" value="\(csrfToken)"><button type="submit">Sign out</button></form>
                """
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · Vitals</title>
            <style>\(HTML(raw: PageLayout.styles))</style></head>
            <body><header><a class="brand" href="/">Vitals</a><nav>\(links)</nav>\(account)</header>
            <main>\(body)</main></body></html>
            """
    }

    static let styles = """
        :root{--ink:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#f9fafb;--good:#15803d;--bad:#b91c1c;--warn:#b45309;--accent:#2563eb}
        *{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--ink);background:var(--bg)}
        header{display:flex;flex-wrap:wrap;align-items:center;gap:16px;padding:10px 20px;background:#fff;border-bottom:1px solid var(--line)}
        .brand{font-weight:700;font-size:18px;color:var(--accent);text-decoration:none}
        nav{display:flex;flex-wrap:wrap;gap:4px;flex:1}nav a{padding:6px 10px;border-radius:6px;color:var(--ink);text-decoration:none}
        nav a[aria-current]{background:#eff6ff;color:var(--accent);font-weight:600}
        .signout{display:flex;gap:8px;align-items:center;color:var(--muted)}
        main{max-width:1200px;margin:0 auto;padding:16px 20px 40px}
        h1{font-size:22px;margin:8px 0 4px}h2{font-size:17px;margin:24px 0 8px}h3{font-size:14px;margin:0 0 6px;color:var(--muted);font-weight:600}
        a{color:var(--accent)}.muted{color:var(--muted)}
        form.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:end;margin:8px 0 16px;padding:10px;background:#fff;border:1px solid var(--line);border-radius:8px}
        form.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted)}
        input,select,button,textarea{font:inherit;padding:5px 8px;border:1px solid #d1d5db;border-radius:6px;background:#fff}
        button{background:var(--accent);color:#fff;border-color:var(--accent);cursor:pointer}
        .group{margin-top:18px}.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:10px}
        .tile{display:block;background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 12px;color:var(--ink);text-decoration:none}
        .tile:hover{border-color:var(--accent)}.tile .value{font-size:22px;font-weight:650;margin:2px 0}
        .tile .spark{color:var(--accent);display:block;margin-top:4px}
        .delta{font-size:12px}.delta.good{color:var(--good)}.delta.bad{color:var(--bad)}.delta.flat{color:var(--muted)}
        .status{display:inline-block;font-size:11px;padding:1px 6px;border-radius:10px;margin-left:4px}
        .status.achieved,.status.on_track,.status.green{background:#dcfce7;color:var(--good)}
        .status.at_risk,.status.yellow{background:#fef3c7;color:var(--warn)}.status.off_track,.status.red{background:#fee2e2;color:var(--bad)}
        .card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px;margin:10px 0;overflow-x:auto}
        svg.chart{width:100%;height:auto;max-width:760px;display:block}svg .grid{stroke:#eef0f3}svg .zero{stroke:#9ca3af}
        svg .tick{font-size:11px;fill:#6b7280}svg .axis-title{font-size:11px;fill:#374151;font-weight:600}svg .cell{font-size:10px}
        svg.heatmap{max-width:none}
        table{border-collapse:collapse;width:100%;background:#fff}th,td{padding:6px 8px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
        th a{color:var(--ink);text-decoration:none}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
        .download{font-size:12px;margin-left:8px}.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:12px}
        dl.facts{display:grid;grid-template-columns:minmax(0,max-content) minmax(9em,1fr);gap:4px 12px;margin:0}dl.facts dt{color:var(--muted)}
        dl.facts dd{margin:0;min-width:0;overflow-wrap:anywhere}
        td.wrap{white-space:normal;min-width:14em}table[data-table=breakdown] td:nth-child(-n+2){white-space:normal}
        details.act summary{cursor:pointer;color:var(--accent)}details.act form{margin:4px 0;white-space:nowrap}
        .error{background:#fee2e2;color:var(--bad);padding:8px 12px;border-radius:6px}
        .login{max-width:360px;margin:60px auto;background:#fff;border:1px solid var(--line);border-radius:10px;padding:24px}
        .login label{display:block;margin:10px 0 4px}.login input{width:100%}.login button{margin-top:14px;width:100%}
        ul.plain{padding-left:18px;margin:4px 0}
        .notice{background:#dcfce7;color:var(--good);padding:8px 12px;border-radius:6px}
        .secret{font-family:ui-monospace,monospace;word-break:break-all;background:#fff;border:1px dashed var(--accent);padding:8px 12px;border-radius:6px}
        form.inline{display:inline-flex;gap:4px;align-items:center;margin:0 4px 0 0}form.inline select,form.inline button{padding:2px 6px;font-size:12px}
        nav.tabs{display:flex;flex-wrap:wrap;gap:4px;margin:4px 0 12px}nav.tabs a{padding:4px 10px;border:1px solid var(--line);border-radius:6px;background:#fff;text-decoration:none}
        nav.tabs a[aria-current]{border-color:var(--accent);font-weight:600}
        .settings{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:12px 16px;align-items:start}
        .field label{display:flex;flex-direction:column;gap:3px;font-size:13px;font-weight:600}.field input,.field select{font-weight:400;max-width:100%}
        .field .hint{display:block;color:var(--muted);font-size:12px;margin-top:2px}.field-error{display:block;color:var(--bad);font-size:12px;margin-top:2px;white-space:normal}
        .settings .actions{grid-column:1/-1}.actions{margin:8px 0}.field .legend{font-size:13px;font-weight:600;display:block}
        .checks{display:flex;flex-wrap:wrap;gap:4px 12px}.checks label{display:inline-flex;flex-direction:row;align-items:center;gap:4px;font-weight:400}
        table[data-table=weights] input{width:6.5em}table[data-table=weights] caption{white-space:normal}
        @media (min-width:1100px){.cols>.wide{grid-column:span 2}}
        @media (max-width:640px){main{padding:10px}.tile .value{font-size:19px}th,td{padding:5px}table[data-table=breakdown] :is(th,td){padding:5px 3px}}
        """
}
