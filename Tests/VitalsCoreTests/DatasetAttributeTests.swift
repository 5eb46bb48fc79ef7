import Testing

@testable import VitalsCore

@Suite struct DatasetAttributeTests {
    @Test func setAttributeGivesEachAccountItsValueAndKeepsTheRest() {
        var dataset = Dataset()
        dataset.upsert(Account(id: "a", name: "A", attributes: ["tier": "old", "region": "EU"]))
        dataset.upsert(Account(id: "b", name: "B"))
        dataset.setAttribute("tier", values: ["high", "tech"])
        #expect(dataset.accounts.map { $0.attributes["tier"] } == ["high", "tech"])
        #expect(dataset.accounts[0].attributes["region"] == "EU")
        #expect(dataset.index(of: "b") == AccountIndex(1))
    }
}
