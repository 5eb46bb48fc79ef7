import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VitalsCore
import VitalsServer
import VitalsStore

/// The account page as a CS team works it (issue 24): its people, its group and its timeline, and a call logged from
/// the page. Values are those of `APIFixture` (customer a pays 100 from 2024-01-01; b pays 50 and churns on
/// 2024-02-15), with contacts, a subsidiary and an activity added here.
@Suite struct AccountWorkspaceTests {
    static func fixture() throws -> APIFixture {
        let f = try DashboardTests.fixture()
        var d = try f.store.dataset(workspace: f.a)
        // b becomes a subsidiary of a; a has a champion and a CFO, b a user.
        d.upsert(Account(id: "b", name: "B", industry: "Media", parent: "a"))
        let a = try #require(d.index(of: "a"))
        let b = try #require(d.index(of: "b"))
        d.contacts = [
            Contact(id: "c1", account: a, name: "Ana Ruiz", email: "ana@a.example", role: .champion, primary: true),
            Contact(id: "c2", account: a, name: "Carl Fox", role: .economicBuyer, title: "CFO"),
            Contact(id: "c3", account: b, name: "Bea Low", role: .user),
        ]
        d.activities = [
            Activity(id: "x1", account: a, kind: .qbr, occurredAt: Timestamp(year: 2024, month: 1, day: 20), author: "Kim", contact: "c2", subject: "Q1 review", sentiment: .positive)
        ]
        try f.store.save(d, workspace: f.a)
        return f
    }

    @Test func theAccountPageListsPeopleTheGroupAndTheTimeline() async throws {
        let f = try Self.fixture()
        try await f.app().test(.router) { client in
            let cookie = try #require(try await DashboardTests.signIn(client, email: "ana@a.example"))
            let (status, page) = try await DashboardTests.get(client, "/accounts/a", cookie: cookie)
            #expect(status == .ok)
            // The champion (primary) first, then the economic buyer.
            #expect(page.contains(#"<td data-contact="c1">Ana Ruiz ★</td><td>Champion</td><td></td><td><a href="mailto:ana@a.example">ana@a.example</a></td>"#))
            #expect(page.range(of: "Ana Ruiz")!.lowerBound < page.range(of: "Carl Fox")!.lowerBound)
            // The group: a (100) and b (0 after churning on 2024-02-15): 100.00 in all.
            #expect(page.contains(#"data-group-mrr="100.00""#))
            #expect(page.contains(#"<a href="/accounts/b">— B</a>"#))
            // The timeline, newest first: the QBR of 2024-01-20 after a's new MRR of 2024-01-01.
            let qbr = try #require(page.range(of: "Q1 review"))
            let new = try #require(page.range(of: "New MRR +$100.00"))
            #expect(qbr.lowerBound < new.lowerBound)
            #expect(page.contains("with Carl Fox"))
            #expect(page.contains(#"data-timeline-total="2""#))

            // b's page names its parent; its timeline has its churn.
            let (_, sub) = try await DashboardTests.get(client, "/accounts/b", cookie: cookie)
            #expect(sub.contains(#"<p data-parent="a">Part of <a href="/accounts/a">A</a></p>"#))
            #expect(sub.contains("Churned −$50.00"))

            // Filtered to calls: nothing yet; the CSV holds every entry of the filter.
            let (_, calls) = try await DashboardTests.get(client, "/accounts/a?timeline=call", cookie: cookie)
            #expect(calls.contains(#"data-timeline-total="0""#))
            let (_, csv) = try await DashboardTests.get(client, "/accounts/a?format=csv&table=timeline", cookie: cookie)
            #expect(csv.hasPrefix("When,Kind,What,Details,Who\r\n"))
            #expect(csv.contains("\r\n2024-01-20,qbr,Q1 review,with Carl Fox,Kim\r\n"))
        }
    }

    @Test func aCallLoggedOnThePageIsOnTheTimelineAndABadOneIsRefused() async throws {
        let f = try Self.fixture()
        try await f.app().test(.router) { client in
            let cookie = try #require(try await DashboardTests.signIn(client, email: "ana@a.example"))
            let (_, page) = try await DashboardTests.get(client, "/accounts/a", cookie: cookie)
            let csrf = String(try #require(page.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1))
            // b's contact on a's page: refused with the reason, the form kept, nothing stored.
            let (refused, again) = try await GoalEditorTests.post(
                client, "/accounts/a/activities", cookie: cookie,
                fields: [("csrf", csrf), ("kind", "call"), ("occurred_at", "2024-02-01"), ("contact_id", "c3"), ("subject", "Wrong person")])
            #expect(refused == .unprocessableContent)
            #expect(again.contains("contact_id: contact &#39;c3&#39; is of account &#39;b&#39;, not &#39;a&#39;"))
            #expect(again.contains(#"value="Wrong person""#))
            #expect(try f.store.dataset(workspace: f.a).activities.count == 1)
            // Without the CSRF token: refused.
            #expect(try await GoalEditorTests.post(client, "/accounts/a/activities", cookie: cookie, fields: [("kind", "call")]).0 == .forbidden)

            let (logged, _) = try await GoalEditorTests.post(
                client, "/accounts/a/activities", cookie: cookie,
                fields: [("csrf", csrf), ("kind", "call"), ("occurred_at", "2024-02-01"), ("contact_id", "c1"),
                         ("subject", "Renewal <prep>"), ("body", "Seats & pricing"), ("sentiment", "neutral")])
            #expect(logged == .seeOther)
            let stored = try f.store.dataset(workspace: f.a).activities
            #expect(stored.count == 2)
            let call = try #require(stored.first { $0.kind == .call })
            #expect(call.author == "Ana")  // the person signed in
            #expect(call.occurredAt == Timestamp(year: 2024, month: 2, day: 1))
            let (_, after) = try await DashboardTests.get(client, "/accounts/a?timeline=call", cookie: cookie)
            #expect(after.contains(#"<td class="wrap" data-tone="neutral">Renewal &lt;prep&gt;</td><td class="wrap">with Ana Ruiz: Seats &amp; pricing</td><td>Ana</td>"#))
        }
    }

    @Test func activitiesComeInThroughTheAPIWithTheSameChecks() async throws {
        let f = try Self.fixture()
        try await f.app().test(.router) { client in
            let bad = #"[{"activity_id":"y1","account_id":"a","kind":"call","occurred_at":"2024-03-01","contact_id":"nobody"}]"#
            try await client.execute(
                uri: "/api/v1/activities", method: .post,
                headers: [.authorization: "Bearer \(f.ingestA)", .contentType: "application/json"], body: ByteBuffer(string: bad)
            ) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("activities[0].contact_id: unknown contact 'nobody' (not in this workspace)"))
            }
            let good = bad.replacingOccurrences(of: "nobody", with: "c2")
            try await client.execute(
                uri: "/api/v1/activities", method: .post,
                headers: [.authorization: "Bearer \(f.ingestA)", .contentType: "application/json"], body: ByteBuffer(string: good)
            ) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"stored":1}"#)
            }
            #expect(try f.store.dataset(workspace: f.a).activities.map(\.id.rawValue).sorted() == ["x1", "y1"])
        }
    }
}

/// A person linked to a CSM name opens on their own accounts and tasks, one click from everyone's (issue 24).
@Suite struct MyBookTests {
    @Test func aCSMSeesTheirAccountsFirstAndEveryonesOnAsking() async throws {
        let f = try DashboardTests.fixture()
        var d = try f.store.dataset(workspace: f.a)
        d.upsert(Account(id: "a", name: "A", csm: "Ana", industry: "Retail"))
        d.upsert(Account(id: "b", name: "B", csm: "Bo", industry: "Media"))
        try f.store.save(d, workspace: f.a)
        #expect(try f.store.setCSM(workspace: f.a, email: "ana@a.example", csm: " Ana ", actor: "test", at: Date()) == .done)
        #expect(try f.store.users(workspace: f.a).first { $0.email == "ana@a.example" }?.csm == "Ana")
        try await f.app().test(.router) { client in
            let cookie = try #require(try await DashboardTests.signIn(client, email: "ana@a.example"))
            let (_, mine) = try await DashboardTests.get(client, "/accounts", cookie: cookie)
            #expect(mine.contains(#"<p data-owner="Ana">Your accounts (CSM Ana)"#))
            #expect(mine.contains("/accounts/a\"") && !mine.contains("/accounts/b\""))
            #expect(mine.contains(#"href="/accounts?sort=mrr&amp;dir=desc&amp;everyone=1">Everyone's accounts</a>"#))
            let (_, all) = try await DashboardTests.get(client, "/accounts?everyone=1", cookie: cookie)
            #expect(all.contains("/accounts/a\"") && all.contains("/accounts/b\""))
            #expect(all.contains("Everyone's accounts · <a"))
            // Another CSM's book by name.
            let (_, bos) = try await DashboardTests.get(client, "/accounts?csm=Bo", cookie: cookie)
            #expect(!bos.contains("/accounts/a\"") && bos.contains("/accounts/b\"") && bos.contains("Accounts of Bo"))
        }
    }
}

/// The segment picker writes the expression a person could type: an attribute, = or !=, a value from the data,
/// added with `and` to what the box holds (issue 27).
@Suite struct SegmentPickerTests {
    @Test func aPickedValueIsAddedToTheSegment() async throws {
        let f = try DashboardTests.fixture()
        try await f.app().test(.router) { client in
            let cookie = try #require(try await DashboardTests.signIn(client, email: "ana@a.example"))
            let (_, page) = try await DashboardTests.get(client, "/accounts", cookie: cookie)
            // industry has two values in the fixture (Media, Retail): it is offered with both.
            #expect(page.contains(#"<option value="industry">industry</option>"#))
            #expect(page.contains(#"<option value="Media" label="industry: Media">"#))
            let (_, picked) = try await DashboardTests.get(
                client, "/accounts?pick_attr=industry&pick_op=%3D&pick_value=Retail", cookie: cookie)
            #expect(picked.contains(#"name="segment" value="industry = &#39;Retail&#39;""#))
            #expect(picked.contains("/accounts/a\"") && !picked.contains("/accounts/b\""))
            // Added to what the box holds, and negated with "is not".
            let (_, both) = try await DashboardTests.get(
                client, "/accounts?segment=industry%20in%20(Retail,%20Media)&pick_attr=industry&pick_op=!%3D&pick_value=Retail", cookie: cookie)
            #expect(both.contains(#"value="industry in (Retail, Media) and industry != &#39;Retail&#39;""#))
            #expect(!both.contains("/accounts/a\"") && both.contains("/accounts/b\""))
        }
    }
}

/// Segments saved by name are shared by the workspace's people and chosen from every filtered page (issue 27).
@Suite struct SavedSegmentTests {
    @Test func aSegmentIsSavedChosenAndDeleted() async throws {
        let f = try DashboardTests.fixture()
        try await f.app().test(.router) { client in
            let cookie = try #require(try await DashboardTests.signIn(client, email: "ana@a.example"))
            let (_, page) = try await DashboardTests.get(client, "/accounts?segment=industry%3DRetail", cookie: cookie)
            let csrf = String(try #require(page.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1))
            // A bad expression is refused; a good one is saved under its name.
            let bad = [("csrf", csrf), ("name", "Retail"), ("expression", "industry =="), ("back", "/accounts")]
            #expect(try await GoalEditorTests.post(client, "/segments", cookie: cookie, fields: bad).0 == .badRequest)
            let good = [("csrf", csrf), ("name", "Retail"), ("expression", "industry=Retail"), ("back", "/accounts?segment=industry%3DRetail")]
            let (status, _) = try await GoalEditorTests.post(client, "/segments", cookie: cookie, fields: good)
            #expect(status == .seeOther)
            #expect(try f.store.savedSegments(workspace: f.a).map(\.expression) == ["industry=Retail"])
            // Chosen by name from any page: it becomes the segment; the page offers to delete it.
            let (_, chosen) = try await DashboardTests.get(client, "/accounts?saved=Retail", cookie: cookie)
            #expect(chosen.contains(#"<option value="Retail" selected>Retail</option>"#))
            #expect(chosen.contains("/accounts/a\"") && !chosen.contains("/accounts/b\""))
            #expect(chosen.contains("Delete saved segment"))
            let audit = try f.store.auditLog(workspace: f.a, query: AuditQuery(action: "segment.save", limit: 10))
            #expect(audit.total == 1)
            let delete = [("csrf", csrf), ("name", "Retail"), ("back", "/accounts")]
            #expect(try await GoalEditorTests.post(client, "/segments/delete", cookie: cookie, fields: delete).0 == .seeOther)
            #expect(try f.store.savedSegments(workspace: f.a).isEmpty)
        }
    }
}

/// A parent's page sums the renewals its group has due in the next 90 days (issue 24).
@Suite struct GroupRenewalTests {
    @Test func theGroupCardSumsTheRenewalsDueSoon() async throws {
        let f = try AccountWorkspaceTests.fixture()
        var d = try f.store.dataset(workspace: f.a)
        let b = try #require(d.index(of: "b"))
        // b (a's subsidiary) pays 1,200.00 a year from 2023-03-01: its next renewal is due 2024-03-01, within 90 days
        // of the data's end (2024-02-15); a's monthly subscription never renews in this sense (a term under a quarter).
        d.subscriptions.append(
            SubscriptionVersion(
                subscriptionID: "sy", account: b, product: "Core", amount: Money(minorUnits: 120_000, currency: .usd),
                interval: .year, validFrom: Timestamp(year: 2023, month: 3, day: 1)))
        try f.store.save(d, workspace: f.a)
        try await f.app().test(.router) { client in
            let cookie = try #require(try await DashboardTests.signIn(client, email: "ana@a.example"))
            let (_, page) = try await DashboardTests.get(client, "/accounts/a", cookie: cookie)
            #expect(page.contains(#"<dd data-group-renewals="1">1 renewal, ARR $1,200.00</dd>"#))
        }
    }
}
