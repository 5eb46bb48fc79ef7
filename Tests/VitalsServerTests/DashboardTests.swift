import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VitalsCore
import VitalsServer
import VitalsApp
import VitalsConnectors
import VitalsFormats
import VitalsStore

/// The dashboard's pages, signed in through the real sign-in form. Values are those of `APIFixture`, worked by hand:
/// in February 2024 customer a pays 100 and customer b (50 in January) churns on the 15th.
@Suite struct DashboardTests {
    static let password = "correct horse battery"

    /// The fixture with a person in each workspace.
    static func fixture() throws -> APIFixture {
        let f = try APIFixture()
        let hash = Passwords.hash(password)
        try f.store.createUser(workspace: f.a, email: "ana@a.example", name: "Ana", passwordHash: hash, at: Date())
        try f.store.createUser(workspace: f.b, email: "bo@b.example", name: "Bo", passwordHash: hash, at: Date())
        return f
    }

    /// Signs in through GET and POST /login and returns the session cookie header value.
    static func signIn(_ client: some TestClientProtocol, email: String, password: String = password) async throws -> String? {
        let csrf = try await client.execute(uri: "/login", method: .get) { response -> String in
            let cookie = try #require(response.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
            return String(try #require(cookie.split(separator: ";").first?.split(separator: "=").last))
        }
        let body = "csrf=\(csrf)&next=%2F&email=\(email)&password=\(password.replacingOccurrences(of: " ", with: "+"))"
        return try await client.execute(
            uri: "/login", method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "vitals_csrf=\(csrf)"],
            body: ByteBuffer(string: body)
        ) { response -> String? in
            guard response.status == .seeOther, let cookie = response.headers[.setCookie] else { return nil }
            return String(try #require(cookie.split(separator: ";").first))
        }
    }

    static func get(_ client: some TestClientProtocol, _ uri: String, cookie: String) async throws -> (HTTPResponse.Status, String) {
        try await client.execute(uri: uri, method: .get, headers: [.cookie: cookie]) { ($0.status, String(buffer: $0.body)) }
    }

    @Test func pagesNeedASignedInPerson() async throws {
        let f = try Self.fixture()
        try await f.app().test(.router) { client in
            try await client.execute(uri: "/accounts?q=a", method: .get) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location] == "/login?next=%2Faccounts%3Fq%3Da")
            }
            try await client.execute(uri: "/", method: .get, headers: [.cookie: "vitals_session=" + String(repeating: "0", count: 64)]) {
                #expect($0.status == .found)
            }
            #expect(try await Self.signIn(client, email: "ana@a.example", password: "wrong password") == nil)
            #expect(try await Self.signIn(client, email: "nobody@a.example") == nil)
            // A sign-in without the form's CSRF cookie is refused.
            try await client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "csrf=x&email=ana%40a.example&password=correct+horse+battery")
            ) { #expect($0.status == .forbidden) }
            let cookie = try #require(try await Self.signIn(client, email: "ANA@a.example"))
            let (status, page) = try await Self.get(client, "/", cookie: cookie)
            #expect(status == .ok)
            #expect(page.contains("<span>Ana</span>"))
        }
    }

    @Test func theOverviewShowsEveryTileWithItsValueAndChange() async throws {
        let f = try Self.fixture()
        try await f.app().test(.router) { client in
            let cookie = try #require(try await Self.signIn(client, email: "ana@a.example"))
            let (_, page) = try await Self.get(client, "/?to=2024-02", cookie: cookie)
            // 29 KPI tiles and 2 health tiles (healthy accounts, revenue at risk).
            #expect(page.components(separatedBy: "<a class=\"tile\"").count - 1 == 31)
            #expect(page.components(separatedBy: "<section class=\"group\">").count - 1 == 3)
            // MRR in February: 100 (a), down from 150 in January: -33.3 %.
            #expect(page.contains("data-kpi=\"mrr\" data-value=\"100.00\" data-period=\"2024-02\""))
            #expect(page.contains("<div class=\"value\">$100.00</div><span class=\"delta bad\">−33.3 % vs previous</span>"))
            // Customer churn in February: 1 of the 2 customers paying at its start, 50 %. January has no customers at
            // its start (both start on January 1st), so its rate is null and there is nothing to compare with.
            #expect(page.contains("data-kpi=\"customer_churn_rate\" data-value=\"0.5\""))
            #expect(page.contains("<div class=\"value\">50.0%</div><span class=\"delta flat\">no comparison</span>"))
            // No NPS answers: a dash, and no comparison.
            #expect(page.contains("data-kpi=\"nps\" data-value=\"null\""))
            #expect(page.contains("<svg class=\"spark\""))
        }
    }

    @Test func theDefaultPeriodIsTheLastCompleteOne() async throws {
        // The data ends on 2024-02-15 (b's churn), so February is not complete: the overview shows January.
        let f = try Self.fixture()
        try await f.app().test(.router) { client in
            let cookie = try #require(try await Self.signIn(client, email: "ana@a.example"))
            let (_, page) = try await Self.get(client, "/", cookie: cookie)
            #expect(page.contains("data-kpi=\"mrr\" data-value=\"150.00\" data-period=\"2024-01\""))
        }
    }

    @Test func aKPIPageNamesTheAccountsBehindIt() async throws {
        let f = try Self.fixture()
        try await f.app().test(.router) { client in
            let cookie = try #require(try await Self.signIn(client, email: "ana@a.example"))
            let (status, page) = try await Self.get(client, "/kpis/churned_mrr?to=2024-02", cookie: cookie)
            #expect(status == .ok)
            #expect(page.contains("Sum of <code>before</code>") || page.contains("Formula:"))
            // b's churn, with its date and its MRR before and after (issue 27: the list of that movement, dated).
            #expect(page.contains("<a href=\"/accounts/b\">B</a></td><td>churned</td><td>2024-02-15</td><td class=\"num\">$50.00</td><td class=\"num\">$0.00</td><td class=\"num\">-$50.00</td>"))
            #expect(page.contains("Accounts behind Churned MRR in 2024-02: 1 MRR movement, churn MRR $50.00 in all"))
            let (_, csv) = try await Self.get(client, "/kpis/churned_mrr?to=2024-02&format=csv&table=drivers", cookie: cookie)
            #expect(csv == "Account,What happened,When,MRR before (USD),MRR after (USD),Change (USD)\r\nb,churned,2024-02-15,50.00,0.00,-50.00\r\n")
            // Expansion in February: nobody expanded, so nobody is listed (not the largest moves of any kind).
            let (_, expansion) = try await Self.get(client, "/kpis/expansion_mrr?to=2024-02&format=csv&table=drivers", cookie: cookie)
            #expect(expansion == "Account,What happened,When,MRR before (USD),MRR after (USD),Change (USD)\r\n")
            // Customer churn: b, paying at the start of February and not at its end.
            let (_, lost) = try await Self.get(client, "/kpis/customer_churn_rate?to=2024-02&format=csv&table=drivers", cookie: cookie)
            #expect(lost.hasSuffix("\r\nb,\"lost: paid at the start, not at the end\",2024-02-15,50.00,0.00,-50.00\r\n") || lost.hasSuffix("\r\nb,lost: paid at the start, not at the end,2024-02-15,50.00,0.00,-50.00\r\n"))
            // The revenue page's movements link to the same lists, per period and kind.
            let (_, revenue) = try await Self.get(client, "/revenue?to=2024-02", cookie: cookie)
            #expect(revenue.contains("<a href=\"/kpis/churned_mrr?to=2024-02-29\">"))
            #expect(revenue.contains("<a href=\"/kpis/new_mrr?to=2024-01-31\">"))
            let (_, series) = try await Self.get(client, "/kpis/churned_mrr?from=2024-01&to=2024-02&format=csv&table=series", cookie: cookie)
            #expect(series == "Period,Start,Churned MRR\r\n2024-01,2024-01-01,0.00\r\n2024-02,2024-02-01,50.00\r\n")
            #expect(try await Self.get(client, "/kpis/no_such_kpi", cookie: cookie).0 == .notFound)
            // The onboarding horizon is stated on its KPI's page.
            let (_, overdue) = try await Self.get(client, "/kpis/onboarding_overdue?to=2024-02", cookie: cookie)
            #expect(overdue.contains("data-onboarding-overdue-days=\"90\">Counts only onboarding still due to be finished"))
        }
    }

    /// Sixty accounts start paying in March 2024, account k at k USD: the new-MRR list has all sixty, 50 on the first
    /// page, 10 on the second, and all sixty in the CSV, never silently cut.
    @Test func aLongListIsPagedOnThePageAndCompleteInItsDownload() async throws {
        let f = try Self.fixture()
        let many = try f.store.workspace("many")
        var d = Dataset()
        for k in 1...60 {
            let a = d.upsert(Account(id: AccountID(String(format: "n%02d", k)), name: String(format: "N%02d", k)))
            d.subscriptions.append(SubscriptionVersion(
                subscriptionID: SubscriptionID("s\(k)"), account: a, product: "Core",
                amount: Money(minorUnits: Int64(k) * 100, currency: .usd), validFrom: Timestamp(year: 2024, month: 3, day: 1 + k % 28)))
        }
        try f.store.save(d, workspace: many)
        try f.store.createUser(workspace: many, email: "mo@many.example", name: "Mo", passwordHash: Passwords.hash(Self.password), at: Date())
        try await f.app().test(.router) { client in
            let cookie = try #require(try await Self.signIn(client, email: "mo@many.example"))
            let (_, first) = try await Self.get(client, "/kpis/new_mrr?to=2024-03", cookie: cookie)
            #expect(first.contains("60 MRR movements"))
            #expect(first.contains("Rows 1–50 of 60 (page 1 of 2; the CSV has all of them)"))
            #expect(first.contains("/accounts/n60") && first.contains("/accounts/n11") && !first.contains("/accounts/n10\""))
            let (_, second) = try await Self.get(client, "/kpis/new_mrr?to=2024-03&page=2", cookie: cookie)
            #expect(second.contains("Rows 51–60 of 60 (page 2 of 2; the CSV has all of them)"))
            #expect(second.contains("/accounts/n10\"") && second.contains("/accounts/n01\"") && !second.contains("/accounts/n11\""))
            let (_, csv) = try await Self.get(client, "/kpis/new_mrr?to=2024-03&page=2&format=csv&table=drivers", cookie: cookie)
            let lines = csv.split(separator: "\r\n")
            #expect(lines.count == 61)
            #expect(lines[1] == "n60,new customer,2024-03-05,0.00,60.00,60.00")
            #expect(lines[60] == "n01,new customer,2024-03-02,0.00,1.00,1.00")
        }
    }

    @Test func theAccountsTableSortsFiltersAndExports() async throws {
        let f = try Self.fixture()
        try await f.app().test(.router) { client in
            let cookie = try #require(try await Self.signIn(client, email: "ana@a.example"))
            // As of 2024-02-15 (the last record): a pays 100 and renews monthly on the 1st; b has churned. a's health
            // has one component with data, its billing state (paying, not past due: 100), which takes all the weight.
            let (_, csv) = try await Self.get(client, "/accounts?format=csv", cookie: cookie)
            #expect(csv == """
                Account ID,Account,Status,Plan,CSM,MRR (USD),Health,NPS,Last activity,Renewal\r
                a,A,paying,Core,,100.00,100.0,,,2024-03-01\r
                b,B,churned,,,0.00,,,,\r

                """)
            let (_, byName) = try await Self.get(client, "/accounts?format=csv&sort=name&dir=desc", cookie: cookie)
            #expect(byName.split(separator: "\r\n").map { String($0.prefix(2)) } == ["Ac", "b,", "a,"])
            let (_, retail) = try await Self.get(client, "/accounts?format=csv&segment=industry%3DRetail", cookie: cookie)
            #expect(retail.split(separator: "\r\n").count == 2)
            let (_, churned) = try await Self.get(client, "/accounts?status=churned", cookie: cookie)
            #expect(churned.contains("1 account<") && churned.contains(">B</a>") && !churned.contains(">A</a>"))
        }
    }

    @Test func theSupportPageFiltersTicketsByPriorityAndExportsThemAll() async throws {
        let f = try Self.fixture()
        let accounts = try f.store.accounts(workspace: f.a)
        let rows = try f.store.accountRowIDs(workspace: f.a)
        var tickets = Dataset(accounts: accounts)!
        // 150 tickets in February 2024: every third urgent, the others without a priority; 20 open.
        for k in 0..<150 {
            tickets.tickets.append(
                Ticket(
                    id: TicketID(String(format: "T%03d", k)), account: AccountIndex(k % 2),
                    openedAt: Timestamp(year: 2024, month: 2, day: 1).adding(seconds: Int64(k) * 3600),
                    resolvedAt: k < 20 ? nil : Timestamp(year: 2024, month: 2, day: 1).adding(seconds: Int64(k) * 3600 + 7200),
                    agentReplies: 1, channel: "email", priority: k % 3 == 0 ? .urgent : nil))
        }
        try f.store.save(tickets, workspace: f.a, storedAccounts: rows)
        try await f.app().test(.router) { client in
            let cookie = try #require(try await Self.signIn(client, email: "ana@a.example"))
            let period = "from=2024-02-01&to=2024-02-29"
            let (status, html) = try await Self.get(client, "/support?\(period)", cookie: cookie)
            #expect(status == .ok)
            #expect(html.contains("<a href=\"/support?from=2024-02-01&amp;to=2024-02-29\" aria-current=\"page\">Support</a>"))
            #expect(html.contains("150 tickets"))
            #expect(html.contains("Page 1 of 2"))
            // urgent: 50 tickets, 7 open (0, 3, ... 18), 43 resolved, all on first contact, in 2 h.
            #expect(html.contains("<td>urgent</td><td class=\"num\">50</td><td class=\"num\">7</td><td class=\"num\">43</td><td class=\"num\">100 %</td><td class=\"num\">2 h</td>"))
            let (_, urgent) = try await Self.get(client, "/support?\(period)&priority=urgent", cookie: cookie)
            #expect(urgent.contains("50 tickets") && !urgent.contains("Page 1 of"))
            let (_, csv) = try await Self.get(client, "/support?\(period)&format=csv&table=tickets", cookie: cookie)
            #expect(csv.split(whereSeparator: \.isNewline).count == 151)  // the header and every ticket, not one page
        }
    }

    @Test func aPersonSeesOnlyTheirOwnWorkspace() async throws {
        let f = try Self.fixture()
        try await f.app().test(.router) { client in
            let cookie = try #require(try await Self.signIn(client, email: "bo@b.example"))
            let (_, list) = try await Self.get(client, "/accounts", cookie: cookie)
            #expect(list.contains("Other company&#39;s customer"))
            #expect(!list.contains("/accounts/a\""))
            #expect(try await Self.get(client, "/accounts/a", cookie: cookie).0 == .notFound)
            let (status, page) = try await Self.get(client, "/accounts/secret", cookie: cookie)
            #expect(status == .ok)
            #expect(page.contains("data-account=\"secret\""))
        }
    }

    @Test func signingOutNeedsTheSessionsCSRFToken() async throws {
        let f = try Self.fixture()
        try await f.app().test(.router) { client in
            let cookie = try #require(try await Self.signIn(client, email: "ana@a.example"))
            let form: HTTPFields = [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"]
            try await client.execute(uri: "/logout", method: .post, headers: form, body: ByteBuffer(string: "csrf=forged")) {
                #expect($0.status == .forbidden)
            }
            #expect(try await Self.get(client, "/", cookie: cookie).0 == .ok)
            let (_, page) = try await Self.get(client, "/", cookie: cookie)
            let token = try #require(page.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1)
            try await client.execute(uri: "/logout", method: .post, headers: form, body: ByteBuffer(string: "csrf=\(token)")) {
                #expect($0.status == .seeOther)
            }
            #expect(try await Self.get(client, "/", cookie: cookie).0 == .found)
        }
    }

    @Test func revenueAndAccountPagesRender() async throws {
        let f = try Self.fixture()
        try await f.app().test(.router) { client in
            let cookie = try #require(try await Self.signIn(client, email: "ana@a.example"))
            let (status, revenue) = try await Self.get(client, "/revenue?to=2024-02", cookie: cookie)
            #expect(status == .ok)
            #expect(revenue.contains("<title>MRR movements (USD)</title>"))
            #expect(revenue.contains("<title>Logo retention by signup month: share of each month&#39;s new customers still paying</title>"))
            // The headline of 2024-02 against 2024-01: MRR 100.00 (was 150.00: b churned on the 15th) and ARR
            // 1,200 (was 1,800), both (100 - 150) / 150 = -33.3 %.
            #expect(revenue.contains(#"<h3>MRR</h3><div class="value">$100.00</div><span class="delta bad">−33.3 % vs 2024-01</span>"#))
            #expect(revenue.contains(#"<h3>ARR</h3><div class="value">$1,200</div><span class="delta bad">−33.3 % vs 2024-01</span>"#))
            #expect(revenue.contains("Months 2023-03 to 2024-02 (2023-03-01 to 2024-02-29), all accounts, values in USD."))
            // Cohort 2024-01 (a and b): both pay at the end of January (2 of 2, MRR 150 of 150). The data ends on
            // 2024-02-15, so February is not complete and its cell stays empty.
            let (_, cohorts) = try await Self.get(client, "/revenue?to=2024-02&format=csv&table=cohorts", cookie: cookie)
            #expect(cohorts.contains("\r\n2024-01,2,150.00,1.0,1.0,,"))
            #expect(cohorts.hasPrefix("Cohort,Accounts,Starting MRR,M0 logo,M0 revenue,M1 logo,M1 revenue"))
            let (_, account) = try await Self.get(client, "/accounts/a", cookie: cookie)
            #expect(account.contains("<title>MRR history of A (USD)</title>"))
            #expect(account.contains("<td>sa</td><td>Core</td><td></td><td class=\"num\">$100.00</td>"))
        }
    }
}

/// Goals are created, edited, archived and restored from the app, and each change is kept with who made it.
@Suite struct GoalEditorTests {
    static func post(_ client: some TestClientProtocol, _ uri: String, cookie: String, fields: [(String, String)]) async throws
        -> (HTTPResponse.Status, String)
    {
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        return try await client.execute(
            uri: uri, method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: body)
        ) { ($0.status, String(buffer: $0.body)) }
    }

    /// The form's fields for a goal "Grow" due 2024-12-31: its own MRR target of 200 (money, typed in USD) from
    /// 2024-01-01, and one KSF with an onboarding completion target typed as 85 (a rate: 85 % = 0.85).
    static func goalFields(csrf: String, name: String = "Grow", mrr: String = "200", kpi: String = "mrr") -> [(String, String)] {
        [
            ("csrf", csrf), ("action", "save"), ("key", "g"), ("name", name), ("owner", "Head of CS"), ("start", ""), ("deadline", "2024-12-31"),
            ("description", ""),
            ("target.kpi", kpi), ("target.mode", "value"), ("target.value", mrr), ("target.start", "2024-01-01"), ("target.deadline", "2024-12-31"),
            ("target.direction", ""), ("target.review", "quarterly"), ("target.grain", ""), ("target.segment", ""), ("target.label", ""),
            ("target.baseline", ""), ("target.trend_periods", ""), ("target.id", ""), ("target.stages", ""),
            ("ksf[0].name", "Onboarding"), ("ksf[0].description", ""),
            ("ksf[0].targets[0].kpi", "onboarding_completion_rate"), ("ksf[0].targets[0].mode", "value"), ("ksf[0].targets[0].value", "85"),
            ("ksf[0].targets[0].start", "2024-01-01"), ("ksf[0].targets[0].deadline", "2024-12-31"), ("ksf[0].targets[0].direction", ""),
            ("ksf[0].targets[0].review", ""), ("ksf[0].targets[0].grain", ""), ("ksf[0].targets[0].segment", ""),
            ("ksf[0].targets[0].label", ""), ("ksf[0].targets[0].baseline", ""), ("ksf[0].targets[0].trend_periods", ""),
            ("ksf[0].targets[0].id", ""), ("ksf[0].targets[0].stages", ""),
        ]
    }

    @Test func aGoalIsCreatedEditedArchivedAndRestoredWithItsHistory() async throws {
        let f = try DashboardTests.fixture()
        try await f.app().test(.router) { client in
            let cookie = try #require(try await DashboardTests.signIn(client, email: "ana@a.example"))
            let (_, form) = try await DashboardTests.get(client, "/goals/new", cookie: cookie)
            let csrf = String(try #require(form.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1))
            // The form: the goal's fields, a KPI select per target (the template's rate target typed in %), no JSON box.
            #expect(form.contains("<form method=\"post\" action=\"/goals/new\" class=\"goalform\""))
            #expect(!form.contains("name=\"definition\""))
            #expect(form.contains("<input type=\"text\" name=\"name\" id=\"f-name\" value=\"Keep the customers we win\" required>"))
            #expect(form.contains("<option value=\"onboarding_completion_rate\" selected>"))
            #expect(form.contains("name=\"ksf[0].targets[0].value\" id=\"f-ksf-0-targets-0-value\" value=\"85\""))
            #expect(form.contains("<span class=\"unit\">%</span>"))
            // A KPI that does not exist and a value that is not a number: each shown beside its field, the typed
            // input kept, nothing stored.
            var bad = Self.goalFields(csrf: csrf, mrr: "2oo", kpi: "happiness")
            bad.removeAll { $0.0 == "ksf[0].name" }
            bad.append(("ksf[0].name", ""))
            let (status, page) = try await Self.post(client, "/goals/new", cookie: cookie, fields: bad)
            #expect(status == .unprocessableContent)
            #expect(page.contains("<option value=\"happiness\" selected>happiness</option>"))
            #expect(page.contains("<span class=\"field-error\" id=\"f-target-kpi-error\">&#39;happiness&#39; is not a KPI id"))
            #expect(page.contains("value=\"2oo\" inputmode=\"decimal\" aria-invalid=\"true\" aria-describedby=\"f-target-value-error\">"))
            #expect(page.contains("<span class=\"field-error\" id=\"f-target-value-error\">&#39;2oo&#39; is not a number</span>"))
            #expect(page.contains("<span class=\"field-error\" id=\"f-ksf-0-name-error\">must not be empty</span>"))
            #expect(page.contains("data-problems=\"3\""))
            #expect(try f.store.goals(workspace: f.a).isEmpty)
            // Without the CSRF token: refused.
            #expect(try await Self.post(client, "/goals/new", cookie: cookie, fields: Array(bad.dropFirst())).0 == .forbidden)
            // Rows: "add a KSF" posts the form back with a second, empty KSF and its first target; nothing stored.
            var adding = Self.goalFields(csrf: csrf)
            adding[1] = ("action", "add-ksf")
            let (added, more) = try await Self.post(client, "/goals/new", cookie: cookie, fields: adding)
            #expect(added == .ok && more.contains("data-ksf=\"1\"") && more.contains("name=\"ksf[1].targets[0].kpi\""))
            #expect(more.contains("value=\"Onboarding\""))  // the typed input is kept
            var removing = Self.goalFields(csrf: csrf)
            removing[1] = ("action", "remove-target:0:0")
            let (_, fewer) = try await Self.post(client, "/goals/new", cookie: cookie, fields: removing)
            #expect(fewer.contains("data-ksf=\"0\"") && !fewer.contains("name=\"ksf[0].targets[0].kpi\""))
            #expect(try f.store.goals(workspace: f.a).isEmpty)
            let (created, why) = try await Self.post(client, "/goals/new", cookie: cookie, fields: Self.goalFields(csrf: csrf))
            #expect(created == .seeOther, "\(why.firstMatch(of: /role="alert"[^>]*>(.*?)<\/div>/)?.1 ?? "")")
            let goal = try #require(try f.store.goals(workspace: f.a).first)
            #expect(goal.definition.name == "Grow" && goal.definition.owner == "Head of CS")
            // MRR 200 typed in USD is stored as the API takes it (major units); 85 % as the fraction 0.85.
            #expect(goal.definition.target?.amount == .value(200) && goal.definition.target?.review == .quarterly)
            #expect(goal.definition.factors.map(\.name) == ["Onboarding"])
            #expect(goal.definition.factors[0].targets.map(\.amount) == [.value(0.85)])
            // The edit form shows the stored goal in the same units, and saves through the same checks.
            let (_, edit) = try await DashboardTests.get(client, "/goals/\(goal.id)/edit", cookie: cookie)
            #expect(edit.contains("name=\"target.value\" id=\"f-target-value\" value=\"200\""))
            #expect(edit.contains("name=\"ksf[0].targets[0].value\" id=\"f-ksf-0-targets-0-value\" value=\"85\""))
            let targetID = try #require(goal.definition.target?.id)
            #expect(edit.contains("<input type=\"hidden\" name=\"target.id\" value=\"\(targetID)\">"))
            var renamed = Self.goalFields(csrf: csrf, name: "Grow revenue")
            renamed.removeAll { $0.0 == "target.id" }
            renamed.append(("target.id", String(targetID)))
            #expect(try await Self.post(client, "/goals/\(goal.id)/edit", cookie: cookie, fields: renamed).0 == .seeOther)
            #expect(try f.store.goal(goal.id, workspace: f.a)?.definition.target?.id == targetID)  // the same target, kept
            #expect(try await Self.post(client, "/goals/\(goal.id)/archive", cookie: cookie, fields: [("csrf", csrf)]).0 == .seeOther)
            #expect(try f.store.goals(workspace: f.a).isEmpty)
            #expect(try await Self.post(client, "/goals/\(goal.id)/restore", cookie: cookie, fields: [("csrf", csrf)]).0 == .seeOther)
            let history = try f.store.goalHistory(goal.id, workspace: f.a)
            #expect(history.map(\.action) == ["created", "edited", "archived", "restored"])
            #expect(history.allSatisfy { $0.actor == "Ana" })
            #expect(try await Self.post(client, "/goals/\(goal.id)/archive", cookie: cookie, fields: [("csrf", csrf)]).0 == .seeOther)
            let (_, archived) = try await DashboardTests.get(client, "/goals/\(goal.id)/edit", cookie: cookie)
            #expect(archived.contains("<button type=\"submit\">Restore this goal</button> <span class=\"muted\">Archived: kept with its history"))
            #expect(try await Self.post(client, "/goals/\(goal.id)/restore", cookie: cookie, fields: [("csrf", csrf)]).0 == .seeOther)
            let (_, edited) = try await DashboardTests.get(client, "/goals/\(goal.id)/edit", cookie: cookie)
            #expect(edited.contains("Grow revenue") && edited.contains("<td>archived</td>"))
            // Another workspace's person cannot open it.
            let other = try #require(try await DashboardTests.signIn(client, email: "bo@b.example"))
            #expect(try await DashboardTests.get(client, "/goals/\(goal.id)/edit", cookie: other).0 == .notFound)
        }
    }
}
