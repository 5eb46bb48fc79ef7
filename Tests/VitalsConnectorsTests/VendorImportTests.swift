import Foundation
import Testing
import VitalsCore
import VitalsConnectors
@testable import VitalsFormats
@testable import VitalsStore

/// Vendor exports imported into a store, with KPIs worked out by hand from the rows shown.
@Suite struct VendorImportTests {
    let now = Timestamp(year: 2024, month: 7, day: 1)

    func store() throws -> (Store, Int64) {
        let store = try Store(path: NSTemporaryDirectory() + "vitals-vendor-\(UUID().uuidString).sqlite")
        return (store, try store.workspace("w"))
    }

    func load(_ format: VendorFormat, _ file: String, _ text: String, _ store: Store, _ w: Int64, zone: String = "UTC", create: Bool = false) throws {
        let records = try VendorImport.load(
            format, file: file, bytes: Array(text.utf8), knownAccounts: try store.accounts(workspace: w),
            options: VendorImportOptions(timeZone: TimeZone(identifier: zone)!, createAccounts: create, now: now))
        switch records {
        case .dataset(let dataset, _): try store.save(dataset, workspace: w)
        case .stripe(let changes): _ = try store.applyStripe(changes, workspace: w, event: nil, source: "csv@\(now.seconds)", receivedAt: now)
        }
    }

    func march(_ store: Store, _ w: Int64) throws -> KPIReport.Row {
        let dataset = try store.dataset(workspace: w)
        return KPICalculator(dataset: dataset, settings: ReportSettings()).report(ReportScope(periods: Period.range(
            from: CivilDate(year: 2024, month: 3, day: 1), through: CivilDate(year: 2024, month: 3, day: 31), grain: .month))).rows[0]
    }

    static let hubspot = """
        Record ID,Company name,Company Domain Name,Create Date,Company owner,Industry,Country/Region,Number of Employees
        5001,Acme,acme.test,2024-01-10 09:00,Ana Lopez,COMPUTER_SOFTWARE,United States,120
        5002,Globex,globex.test,2024-02-01 00:00,Bo Chen,RETAIL,Germany,

        """

    static let zendesk = """
        Id,Requester,Organization,Status,Via,Created at,Updated at,Solved at,Replies,Reopens
        101,Ann,Acme,closed,Email,2024-03-01 09:00,2024-03-02 10:00,2024-03-01 11:00,1,0
        102,Bob,Acme,solved,Web form,2024-03-02 09:00,2024-03-03 09:00,2024-03-03 09:00,3,0
        103,Cy,globex,solved,Chat,2024-03-05 10:00,2024-03-05 12:00,2024-03-05 12:00,0,1
        104,Di,Globex,open,Email,2024-03-10 10:00,2024-03-10 10:00,,1,0

        """

    @Test func hubspotCompaniesBecomeAccountsWithTheirProperties() throws {
        let (store, w) = try store()
        try load(.hubspot, "companies.csv", Self.hubspot, store, w)
        let accounts = try store.accounts(workspace: w)
        #expect(accounts.map(\.id) == ["5001", "5002"])
        #expect(accounts[0].name == "Acme")
        #expect(accounts[0].csm == "Ana Lopez")
        #expect(accounts[0].country == "United States")
        #expect(accounts[0].createdAt == Timestamp(year: 2024, month: 1, day: 10).adding(seconds: 9 * 3600))
        #expect(accounts[0].attributes == ["company_domain_name": "acme.test", "number_of_employees": "120"])
        #expect(accounts[1].attributes == ["company_domain_name": "globex.test"])
    }

    @Test func zendeskTicketsFollowTheOneTouchRule() throws {
        let (store, w) = try store()
        try load(.hubspot, "companies.csv", Self.hubspot, store, w)
        try load(.zendesk, "tickets.csv", Self.zendesk, store, w)
        let tickets = try store.dataset(workspace: w).tickets
        // 101: 1 reply, closed -> one touch; 102: 3 replies -> not; 103: 0 replies, solved -> one touch (Zendesk's rule
        // looks at replies only); 104: open -> not resolved.
        #expect(tickets.map(\.firstContactResolution) == [true, false, true, nil])
        #expect(tickets.map(\.channel) == ["email", "web form", "chat", "email"])
        let row = try march(store, w)
        // Resolved in March: 101, 102, 103, of which 2 on first contact: 2/3. Opened: 4.
        // Resolution times 2 h, 24 h, 2 h: median 2.
        #expect(row[.fcrRate].double == 2.0 / 3.0)
        #expect(row[.ticketsOpened].double == 4)
        #expect(row[.medianResolutionHours].double == 2)
    }

    @Test func vendorTimesWithoutAnOffsetAreInTheGivenZone() throws {
        let (store, w) = try store()
        try load(.hubspot, "companies.csv", Self.hubspot, store, w)
        try load(.zendesk, "tickets.csv", Self.zendesk, store, w, zone: "Europe/Berlin")
        // 09:00 in Berlin on 1 March 2024 (CET, UTC+1) is 08:00 UTC.
        #expect(try store.dataset(workspace: w).tickets[0].openedAt == Timestamp(year: 2024, month: 3, day: 1).adding(seconds: 8 * 3600))
    }

    @Test func everyBadRowIsListedAndNothingIsStored() throws {
        let (store, w) = try store()
        try load(.hubspot, "companies.csv", Self.hubspot, store, w)
        let bad = """
            Id,Organization,Status,Created at,Solved at,Replies
            201,Acme,solved,2024-03-01 09:00,2024-03-01 10:00,1
            202,Umbrella,open,2024-03-01 09:00,,0
            203,Acme,solved,yesterday,2024-03-01 10:00,two
            204,Acme,solved,2024-03-01 09:00,,1

            """
        #expect {
            try load(.zendesk, "tickets.csv", bad, store, w)
        } throws: { error in
            (error as? DatasetLoadError)?.description == """
                tickets.csv:3: Organization: unknown account 'Umbrella' (no account has this id or name; import the accounts first, or pass --create-accounts)
                tickets.csv:4: Created at: 'yesterday' is not a date and time
                tickets.csv:4: Replies: 'two' is not a whole number from 0 to 100000
                tickets.csv:5: Solved at: a solved ticket needs its Solved at time
                """
        }
        #expect(try store.dataset(workspace: w).tickets.isEmpty)
        // With --create-accounts, Umbrella is created (and the good rows alone import).
        try load(.zendesk, "tickets.csv", Self.zendesk + "105,Eve,Umbrella,open,Email,2024-03-11 10:00,,,0,0\n", store, w, create: true)
        #expect(try store.accounts(workspace: w).map(\.id).contains("Umbrella"))
    }

    @Test func surveyMonkeysZeroToTenQuestionBecomesNPS() throws {
        let (store, w) = try store()
        try load(.hubspot, "companies.csv", Self.hubspot, store, w)
        let export = """
            Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,Last Name,company,How likely is it that you would recommend us to a friend or colleague?,What is the main reason for your score?
            ,,,,,,,,,Response,Open-Ended Response
            1001,9,03/04/2024 10:00:00 AM,03/04/2024 10:05:00 AM,1.2.3.4,a@acme.test,,,Acme,10 - Extremely likely,Great reports
            1002,9,03/05/2024 01:00:00 PM,03/05/2024 01:02:00 PM,1.2.3.5,b@acme.test,,,Acme,9,
            1003,9,03/06/2024 09:00:00 AM,03/06/2024 09:01:00 AM,1.2.3.6,c@globex.test,,,Globex,6,Too slow
            1004,9,03/07/2024 09:00:00 AM,03/07/2024 09:01:00 AM,1.2.3.7,d@globex.test,,,Globex,,

            """
        #expect(VendorFormat.detect(Array(export.utf8)) == .surveymonkey)
        try load(.surveymonkey, "survey.csv", export, store, w)
        let responses = try store.dataset(workspace: w).surveyResponses
        #expect(responses.map(\.score) == [10, 9, 6])
        #expect(responses[0].comment == "Great reports")
        // 01:02:00 PM is 13:02 UTC.
        #expect(responses[1].respondedAt == Timestamp(year: 2024, month: 3, day: 5).adding(seconds: 13 * 3600 + 120))
        // Promoters 2 (10, 9), detractors 1 (6), 3 answers: NPS = 100 x (2 - 1) / 3 = 33.33.
        #expect(abs((try march(store, w)[.nps].double ?? 0) - 100.0 / 3.0) < 1e-9)
    }

    @Test func aGenericAnswersFileMapsLooselyNamedColumns() throws {
        let (store, w) = try store()
        try load(.hubspot, "companies.csv", Self.hubspot, store, w)
        let file = """
            Company,Date,CSAT,Email,Comment
            Acme,2024-03-05,5,x@acme.test,
            Globex,2024-03-06,2,,slow

            """
        #expect(VendorFormat.detect(Array(file.utf8)) == nil)
        try load(.survey, "csat.csv", file, store, w)
        try load(.survey, "csat.csv", file, store, w)  // the same rows again: same ids, nothing new
        let responses = try store.dataset(workspace: w).surveyResponses
        #expect(responses.map(\.survey) == [.csat, .csat])
        // CSAT = share of 4 and 5 answers: 1 of 2.
        #expect(try march(store, w)[.csat].double == 0.5)
    }

    @Test func stripesSubscriptionsExportImportsAsHistory() throws {
        let (store, w) = try store()
        let export = """
            id,Customer ID,Customer Name,Customer Email,Plan,Product,Quantity,Interval,Amount,Currency,Status,Created (UTC),Start (UTC),Trial Start (UTC),Trial End (UTC),Canceled At (UTC),Ended At (UTC),Cancel At (UTC)
            sub_1,cus_1,Acme,billing@acme.test,pro-monthly,Pro,2,month,50.00,usd,active,2024-01-15 00:00,2024-01-15 00:00,,,,,
            sub_2,cus_2,Globex,,annual,Pro,1,year,1200.00,usd,canceled,2024-02-01 00:00,2024-02-01 00:00,,,2024-05-20 10:00,2024-06-01 00:00,
            sub_3,cus_3,Initech,,basic,Basic,1,month,30.00,usd,active,2024-02-01 00:00,2024-02-01 00:00,2024-02-01 00:00,2024-02-15 00:00,,,

            """
        #expect(VendorFormat.detect(Array(export.utf8)) == .stripeSubscriptions)
        try load(.stripeSubscriptions, "subscriptions.csv", export, store, w)
        try load(.stripeSubscriptions, "subscriptions.csv", export, store, w)  // idempotent
        let dataset = try store.dataset(workspace: w)
        #expect(dataset.subscriptions.count == 4)  // sub_3 is trialing, then active
        // Jan: 2 x 50 = 100. Feb-May: + 1200 / 12 = 100 + 30 (after the trial) = 230. June: sub_2 ended 1 June: 130.
        let report = KPICalculator(dataset: dataset, settings: ReportSettings()).report(ReportScope(periods: Period.range(
            from: CivilDate(year: 2024, month: 1, day: 1), through: CivilDate(year: 2024, month: 6, day: 30), grain: .month)))
        // (Money KPIs are in cents.)
        #expect(report.rows.map { $0[.mrr].double } == [10_000, 23_000, 23_000, 23_000, 23_000, 13_000])
        #expect(report.rows[5][.churnedMRR].double == 10_000)

        let bad = """
            id,Customer ID,Plan,Quantity,Interval,Amount,Currency,Status,Start (UTC)
            sub_9,cus_9,x,1,fortnight,49.999,usd,active,2024-01-01 00:00

            """
        #expect {
            try load(.stripeSubscriptions, "subscriptions.csv", bad, store, w)
        } throws: { error in
            let text = (error as? DatasetLoadError)?.description ?? ""
            return text.contains("subscriptions.csv:2: Amount: ") && text.contains("subscriptions.csv:2: Interval: 'fortnight' is not day, week, month or year")
        }
    }

    static let hubspotContacts = """
        Record ID,First Name,Last Name,Email,Job Title,Buying Role,Associated Company IDs,Associated Company
        9001,Ann,Lee,ann@acme.test,Head of Ops,Champion;Influencer,5001,Acme
        9002,Bob,Ray,bob@acme.test,CFO,Budget Holder,5001,Acme
        9003,Cy,,cy@globex.test,,,5002;5001,Globex

        """

    @Test func hubspotContactsBecomeContactsOfTheirCompanies() throws {
        let (store, w) = try store()
        try load(.hubspot, "companies.csv", Self.hubspot, store, w)
        #expect(VendorFormat.detect(Array(Self.hubspotContacts.utf8)) == .hubspotContacts)
        try load(.hubspotContacts, "contacts.csv", Self.hubspotContacts, store, w)
        let d = try store.dataset(workspace: w)
        #expect(d.contacts.map(\.id) == ["9001", "9002", "9003"])
        #expect(d.contacts.map { d[$0.account].id } == ["5001", "5001", "5002"])  // 9003: its first company
        #expect(d.contacts.map(\.role) == [.champion, .economicBuyer, .other])
        #expect(d.contacts.map(\.name) == ["Ann Lee", "Bob Ray", "Cy"])
        // The first contact of each company is its primary one.
        #expect(d.contacts.map(\.primary) == [true, false, true])
        #expect(d.contacts[0].title == "Head of Ops")

        // A contact of an unknown company and a bad email: every problem listed, nothing stored.
        let bad = """
            Record ID,First Name,Email,Associated Company IDs
            9101,Di,di@x.test,7777
            9102,Ed,ed at x,5001

            """
        #expect {
            try load(.hubspotContacts, "contacts.csv", bad, store, w)
        } throws: { error in
            let text = (error as? DatasetLoadError)?.description ?? ""
            return text.contains("contacts.csv:2: Associated Company IDs: unknown account '7777'")
                && text.contains("contacts.csv:3: Email: 'ed at x' is not an email address")
        }
        #expect(try store.dataset(workspace: w).contacts.count == 3)
    }
}
