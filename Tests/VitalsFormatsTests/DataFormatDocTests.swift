import Foundation
import Testing
import VitalsCore
import VitalsFormats

/// docs/data-format.md says what the record kinds' descriptions say: each kind's section holds the table written from
/// its description, and every kind has a section.
@Suite struct DataFormatDocTests {
    static let path = #filePath.replacingOccurrences(of: "Tests/VitalsFormatsTests/DataFormatDocTests.swift", with: "docs/data-format.md")

    /// With VITALS_WRITE_DOCS=1 the tables are written into the document first (after a description changed).
    @Test func everyKindsTableIsTheOneItsDescriptionWrites() throws {
        if ProcessInfo.processInfo.environment["VITALS_WRITE_DOCS"] == "1" { try Self.writeTables() }
        let doc = try String(contentsOfFile: Self.path, encoding: .utf8)
        for kind in RecordKind.all {
            let heading = Self.heading(kind)
            let section = try #require(doc.range(of: heading + "\n"), "no section \(heading)")
            let rest = doc[section.upperBound...]
            let end = rest.range(of: "\n### ")?.lowerBound ?? rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex
            let table = DataFormatTable.markdown(kind)
            #expect(rest[..<end].contains(table), "docs/data-format.md, \(heading), should hold:\n\(table)")
        }
    }

    static func heading(_ kind: RecordKind) -> String {
        kind.id == .usageEvents ? "### usage_events.csv or usage_events.ndjson" : "### \(kind.file)"
    }

    /// Replaces the first table of each kind's section with the one its description writes.
    static func writeTables() throws {
        var doc = try String(contentsOfFile: path, encoding: .utf8)
        for kind in RecordKind.all {
            guard let section = doc.range(of: heading(kind) + "\n"),
                let start = doc.range(of: "| column | req |", range: section.upperBound..<doc.endIndex)
            else { continue }
            var end = start.lowerBound
            while end < doc.endIndex, doc[end] == "|" {
                end = doc[end...].firstIndex(of: "\n").map { doc.index(after: $0) } ?? doc.endIndex
            }
            doc.replaceSubrange(start.lowerBound..<end, with: DataFormatTable.markdown(kind) + "\n")
        }
        try doc.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func kindsAreNamedOneWay() {
        #expect(RecordKind.named("usage_events") == .usageEvents)
        #expect(RecordKind.named("usage_events.csv") == .usageEvents)
        #expect(RecordKind.named("usage_events.ndjson") == .usageEvents)
        #expect(RecordKind.named("usage_event") == nil)
        #expect(RecordKind.usageEvents.label == "usage events")
        #expect(RecordKind.usageEvents.table == "usage_event")
        #expect(DatasetLoader.files.first == "fx_rates.csv")
        #expect(DatasetLoader.files.count == 17)
        #expect(ColumnType.integer(0...100_000_000).documented == "integer 0-100,000,000")
        #expect(ColumnType.integer(1...1000).documented == "integer 1-1000")
        #expect(ColumnType.number(0...Double.infinity).documented == "number ≥ 0")
    }
}
