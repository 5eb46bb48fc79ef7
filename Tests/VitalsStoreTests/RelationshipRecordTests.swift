import Foundation
import Testing
import VitalsCore

@testable import VitalsFormats
@testable import VitalsStore

/// Contacts, activities and parent accounts (issue 24): read from CSV and JSON with their checks, kept by the store,
/// the snapshot and the CSV writer.
@Suite struct RelationshipRecordTests {
    static let accounts = """
        account_id,name,parent_account_id
        HQ,Holding,
        EU,Holding Europe,HQ
        US,Holding US,HQ
        SOLO,Solo Ltd,
        """
    static let contacts = """
        contact_id,account_id,name,email,role,title,primary
        c1,EU,Ana Ruiz,ana@eu.example,champion,Head of Ops,true
        c2,EU,Bo Li,bo@eu.example,economic_buyer,CFO,
        c3,SOLO,,sam@solo.example,,,
        """
    static let activities = """
        activity_id,account_id,kind,occurred_at,author,contact_id,subject,body,sentiment
        a1,EU,call,2025-03-04T10:00:00Z,kim,c1,Renewal prep,"Talked about seats, pricing",positive
        a2,SOLO,note,2025-03-05,,,Quiet month,,
        """

    func load(_ files: [String: String], contacts: [ContactID: AccountID] = [:]) throws(DatasetLoadError) -> Dataset {
        try DatasetLoader.load(
            files: files.mapValues { Array($0.utf8) }, reportingCurrency: .usd, knownContacts: contacts)
    }

    func problems(_ files: [String: String], contacts: [ContactID: AccountID] = [:]) -> [String] {
        do {
            _ = try load(files, contacts: contacts)
            return []
        } catch {
            return error.issues.map { "\($0.file):\($0.line) \($0.column ?? "") \($0.reason)" }
        }
    }

    @Test func csvReadsContactsActivitiesAndParents() throws {
        let d = try load(["accounts.csv": Self.accounts, "contacts.csv": Self.contacts, "activities.csv": Self.activities])
        #expect(d.accounts.map(\.parent) == [nil, "HQ", "HQ", nil])
        #expect(d.contacts.map(\.id) == ["c1", "c2", "c3"])
        #expect(d.contacts.map(\.role) == [.champion, .economicBuyer, .other])
        #expect(d.contacts.map(\.primary) == [true, false, false])
        #expect(d.contacts[2].displayName == "sam@solo.example")
        #expect(d.activities.map(\.kind) == [.call, .note])
        #expect(d.activities[0].contact == "c1")
        #expect(d.activities[0].body == "Talked about seats, pricing")
        #expect(d.activities[0].occurredAt == Timestamp(seconds: 1_741_082_400))  // 2025-03-04T10:00:00Z
        #expect(d.activities[1].sentiment == nil)
        // The hierarchy: HQ has EU and US below it.
        let tree = AccountHierarchy(d)
        #expect(tree.descendants(of: AccountIndex(0)) == [AccountIndex(1), AccountIndex(2)])
        #expect(d[AccountIndex(1)].attribute("parent_account_id") == "HQ")
    }

    @Test func badContactsAndActivitiesAreNamedAndNothingIsKept() {
        let contacts = Self.contacts
            .replacingOccurrences(of: "CFO,", with: "CFO,maybe")
            .replacingOccurrences(of: "champion,Head", with: "fan,Head")
            .replacingOccurrences(of: "sam@solo.example", with: "sam at solo")
        #expect(problems(["accounts.csv": Self.accounts, "contacts.csv": contacts]) == [
            "contacts.csv:2 role 'fan' is not one of champion, decision_maker, economic_buyer, billing, user, other",
            "contacts.csv:3 primary 'maybe' is not true or false",
            "contacts.csv:4 email 'sam at solo' is not an email address",
        ])
        // An activity with another account's contact, an unknown contact, an unknown account, an unknown kind.
        let activities = """
            activity_id,account_id,kind,occurred_at,contact_id
            a1,SOLO,call,2025-03-04,c1
            a2,EU,call,2025-03-04,c9
            a3,NOPE,call,2025-03-04,
            a4,EU,lunch,2025-03-04,
            """
        #expect(problems(["accounts.csv": Self.accounts, "contacts.csv": Self.contacts, "activities.csv": activities]) == [
            "activities.csv:2 contact_id contact 'c1' is of account 'EU', not 'SOLO'",
            "activities.csv:3 contact_id unknown contact 'c9' (not in contacts.csv)",
            "activities.csv:4 account_id unknown account 'NOPE' (not in accounts.csv)",
            "activities.csv:5 kind 'lunch' is not one of note, call, meeting, email, qbr",
        ])
    }

    @Test func parentsMustBeKnownAndMustNotLoop() {
        let accounts = """
            account_id,name,parent_account_id
            A,A,C
            B,B,A
            C,C,B
            D,D,D
            E,E,ZZ
            """
        #expect(problems(["accounts.csv": accounts]) == [
            "accounts.csv:5 parent_account_id an account cannot be its own parent",
            "accounts.csv:6 parent_account_id unknown account 'ZZ'",
            "accounts.csv:2 parent_account_id parents loop: A -> C -> B -> A",
        ])
    }

    @Test func jsonActivitiesNameStoredContacts() throws {
        let known = try load(["accounts.csv": Self.accounts])
        let body = #"[{"activity_id":"a9","account_id":"EU","kind":"qbr","occurred_at":"2025-04-01","contact_id":"c2"},{"activity_id":"a10","account_id":"SOLO","kind":"call","occurred_at":"2025-04-01","contact_id":"c2"}]"#
        #expect {
            try DatasetLoader.load(
                json: Array(body.utf8), kind: .activities, ndjson: false, reportingCurrency: .usd,
                knownAccounts: known.accounts, knownContacts: ["c2": "EU"])
        } throws: { error in
            guard case .invalid(let e) = error as? DatasetLoader.RecordsError else { return false }
            return e.issues.map { "\($0.line) \($0.column ?? "") \($0.reason)" } == [
                "1 contact_id contact 'c2' is of account 'EU', not 'SOLO'"
            ]
        }
        let one = #"[{"activity_id":"a9","account_id":"EU","kind":"qbr","occurred_at":"2025-04-01","contact_id":"c2"}]"#
        let read = try DatasetLoader.load(
            json: Array(one.utf8), kind: .activities, ndjson: false, reportingCurrency: .usd,
            knownAccounts: known.accounts, knownContacts: ["c2": "EU"])
        #expect(read.dataset.activities.map(\.kind) == [.qbr])
    }

    @Test func theStoreTheSnapshotAndTheWriterKeepThem() throws {
        let dataset = try load(["accounts.csv": Self.accounts, "contacts.csv": Self.contacts, "activities.csv": Self.activities])
        let store = try Store(path: NSTemporaryDirectory() + "vitals-relationships-\(UUID().uuidString).sqlite")
        let workspace = try store.workspace("acme")
        try store.save(dataset, workspace: workspace)
        let stored = try store.dataset(workspace: workspace)
        #expect(stored.contacts == dataset.contacts)
        #expect(stored.activities == dataset.activities)
        #expect(stored.accounts.map(\.parent) == [nil, "HQ", "HQ", nil])
        #expect(try store.contactOwners(workspace: workspace) == ["c1": "EU", "c2": "EU", "c3": "SOLO"])
        // Deleting a contact by its id.
        #expect(try store.delete(kind: .contacts, id: "c3", workspace: workspace) == 1)
        #expect(try store.dataset(workspace: workspace).contacts.map(\.id) == ["c1", "c2"])

        let decoded = try DatasetSnapshot.decode(DatasetSnapshot.encode(dataset))
        #expect(decoded.contacts == dataset.contacts)
        #expect(decoded.activities == dataset.activities)
        #expect(decoded.accounts == dataset.accounts)

        let folder = NSTemporaryDirectory() + "vitals-relationships-\(UUID().uuidString)"
        try DatasetWriter.write(dataset, to: folder)
        let reread = try DatasetLoader.load(directory: folder, reportingCurrency: .usd)
        #expect(reread.contacts == dataset.contacts)
        #expect(reread.activities == dataset.activities)
        #expect(reread.accounts.map(\.parent) == dataset.accounts.map(\.parent))
    }
}

/// The store notes a champion's departure as it happens: deleted, or no longer a champion.
@Suite struct ChampionDepartureStoreTests {
    @Test func deletingOrDemotingAChampionIsNoted() throws {
        let dataset = try DatasetLoader.load(
            files: ["accounts.csv": Array(RelationshipRecordTests.accounts.utf8), "contacts.csv": Array(RelationshipRecordTests.contacts.utf8)],
            reportingCurrency: .usd)
        let store = try Store(path: NSTemporaryDirectory() + "vitals-departures-\(UUID().uuidString).sqlite")
        let w = try store.workspace("acme")
        try store.save(dataset, workspace: w)
        let before = Timestamp(seconds: Int64(Date().timeIntervalSince1970) - 5)
        #expect(try store.championDepartures(workspace: w, since: before).isEmpty)
        // c2 (economic buyer) deleted: not a champion, nothing noted. c1 (champion) becomes a user: noted.
        #expect(try store.delete(kind: .contacts, id: "c2", workspace: w) == 1)
        var changed = dataset
        changed.contacts = [Contact(id: "c1", account: dataset.index(of: "EU")!, name: "Ana Ruiz", role: .user)]
        try store.save(changed, workspace: w)
        // A new champion at SOLO, then deleted.
        changed.contacts = [Contact(id: "c9", account: dataset.index(of: "SOLO")!, email: "zed@solo.example", role: .champion)]
        try store.save(changed, workspace: w)
        #expect(try store.delete(kind: .contacts, id: "c9", workspace: w) == 1)
        let noted = try store.championDepartures(workspace: w, since: before)
        #expect(noted.map(\.account) == ["EU", "SOLO"])
        #expect(noted.map(\.name) == ["Ana Ruiz", "zed@solo.example"])
        #expect(noted.map(\.roleAfter) == [.user, nil])
        #expect(noted.allSatisfy { $0.at >= before && $0.at.seconds <= Int64(Date().timeIntervalSince1970) })
    }
}
