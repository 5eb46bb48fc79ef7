import Testing
@testable import VitalsCore

@Suite struct SegmentFilterTests {
    let known: Set<String> = ["industry", "csm", "employees", "country", "created_at"]
    let retail = Account(id: "a", name: "A", csm: "ana", industry: "Retail", attributes: ["employees": "120"])
    let media = Account(id: "b", name: "B", csm: "bo", industry: "Media", attributes: ["employees": "15"])
    let bank = Account(id: "c", name: "C", industry: "Retail Banking")

    @Test func equalityAndLists() throws {
        let filter = try SegmentFilter.parse("industry in (Retail, Media) and csm=ana", knownAttributes: known)
        #expect(filter.matches(retail))
        #expect(!filter.matches(media))
        #expect(try SegmentFilter.parse("industry != Retail", knownAttributes: known).matches(media))
        #expect(try SegmentFilter.parse("industry not in (Retail, Media)", knownAttributes: known).matches(bank))
        #expect(try SegmentFilter.parse("industry = Retail Banking", knownAttributes: known).matches(bank))
        #expect(try SegmentFilter.parse("industry='Retail Banking'", knownAttributes: known).matches(bank))
    }

    @Test func numericComparisons() throws {
        let big = try SegmentFilter.parse("employees > 100", knownAttributes: known)
        #expect(big.matches(retail))
        #expect(!big.matches(media))
        #expect(!big.matches(bank))  // no value: no match
        #expect(try SegmentFilter.parse("employees < 20", knownAttributes: known).matches(media))
        // 120 > 15 numerically although "120" < "15" as text.
        #expect(try SegmentFilter.parse("employees >= 120", knownAttributes: known).matches(retail))
    }

    @Test func namesTheUnknownAttribute() {
        #expect {
            try SegmentFilter.parse("industri=Retail", knownAttributes: known)
        } throws: { error in
            "\(error)".contains("unknown attribute 'industri'")
        }
    }

    @Test func namesTheBadToken() {
        #expect {
            try SegmentFilter.parse("industry ~ Retail", knownAttributes: known)
        } throws: { error in
            "\(error)".contains("found '~'")
        }
        #expect {
            try SegmentFilter.parse("industry in (Retail, Media", knownAttributes: known)
        } throws: { error in
            "\(error)".contains("expected ',' or ')'")
        }
        #expect(throws: SegmentFilter.ParseError.self) { try SegmentFilter.parse("industry = Retail or csm = ana", knownAttributes: known) }
    }
}

/// A value no account has is reported with the values there are (a typo would otherwise select nobody, silently).
@Suite struct SegmentUnknownValueTests {
    let accounts = [
        Account(id: "a", name: "A", industry: "Retail"), Account(id: "b", name: "B", industry: "Media"),
        Account(id: "c", name: "C", csm: "ana"),
    ]

    @Test func aTypoIsNamedWithTheValuesThereAre() throws {
        let filter = try SegmentFilter.parse("industry in (Retial, Media) and csm = ana", knownAttributes: ["industry", "csm"])
        #expect(filter.unknownValues(in: accounts) == [
            SegmentFilter.UnknownValues(attribute: "industry", unknown: ["Retial"], known: ["Media", "Retail"])
        ])
        #expect(filter.unknownValuesWarning(in: accounts) == ["industry: no account has 'Retial' (values: Media, Retail)"])
    }

    @Test func comparisonsAndKnownValuesAreNotWarnedAbout() throws {
        let filter = try SegmentFilter.parse("industry = Retail and csm > a", knownAttributes: ["industry", "csm"])
        #expect(filter.unknownValues(in: accounts).isEmpty)
    }
}
