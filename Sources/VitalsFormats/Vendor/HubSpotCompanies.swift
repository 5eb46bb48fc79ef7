import VitalsCore

/// HubSpot's companies export (`Record ID`, `Company name`, `Create Date`, `Company owner`, `Industry`,
/// `Country/Region`, ...) as accounts: the account id is the Record ID; every other non-empty column becomes an
/// attribute named in snake case (`Number of Employees` -> `number_of_employees`).
enum HubSpotCompanies {
    static func read(_ csv: VendorCSV, known: [Account], time: VendorTime) -> VendorRecords? {
        let id = csv.required(["Record ID", "Company ID"], "Record ID")
        let name = csv.required(["Company name", "Name"], "Company name")
        let created = csv.column(["Create Date", "Created date", "Create date"])
        let owner = csv.column(["Company owner", "HubSpot owner", "Owner"])
        let industry = csv.column(["Industry"])
        let country = csv.column(["Country/Region", "Country"])
        guard let id, let name else { return nil }
        let builtIn = Set([id, name, created, owner, industry, country].compactMap { $0 })
        var dataset = Dataset()
        for account in known { dataset.upsert(account) }
        var seen: [String: Int] = [:]
        var count = 0
        for (line, row) in csv.rows {
            var ok = true
            func fail(_ column: Int?, _ reason: String) {
                csv.problem(line, column, reason)
                ok = false
            }
            let recordID = csv.value(row, id)
            if recordID == nil { fail(id, "a Record ID is required") }
            if let recordID, let first = seen[recordID] { fail(id, "company '\(recordID)' is also on line \(first)") }
            if let recordID { seen[recordID] = line }
            let companyName = csv.value(row, name)
            if companyName == nil { fail(name, "a company name is required") }
            var createdAt: Timestamp?
            if let text = csv.value(row, created) {
                createdAt = time.parse(text)
                if createdAt == nil { fail(created, "'\(text)' is not a date and time") }
            }
            guard ok, let recordID, let companyName else { continue }
            var attributes: [String: String] = [:]
            for (i, column) in csv.header.enumerated() where !builtIn.contains(i) {
                if let value = csv.value(row, i) { attributes[VendorCSV.attributeName(column)] = value }
            }
            dataset.upsert(Account(
                id: AccountID(recordID), name: companyName, createdAt: createdAt, csm: csv.value(row, owner),
                industry: csv.value(row, industry), country: csv.value(row, country), attributes: attributes))
            count += 1
        }
        return .dataset(dataset, newRecords: count)
    }
}
