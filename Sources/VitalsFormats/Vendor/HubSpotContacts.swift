import VitalsCore

/// HubSpot's contacts export (`Record ID`, `First Name`, `Last Name`, `Email`, `Job Title`, `Buying Role`, and the
/// company as `Associated Company IDs` (after HubSpot's companies were imported, their Record IDs are the account
/// ids) or `Associated Company`/`Company Name`) as contacts (docs/integrations/hubspot.md). HubSpot's buying roles map
/// to Vitals' roles: Champion, Decision Maker and Executive Sponsor, Budget Holder (the economic buyer), End User;
/// anything else is `other`.
enum HubSpotContacts {
    static func read(_ csv: VendorCSV, matcher: inout AccountMatcher) -> VendorRecords? {
        let id = csv.required(["Record ID", "Contact ID"], "Record ID")
        let first = csv.column(["First Name", "First name"])
        let last = csv.column(["Last Name", "Last name"])
        let email = csv.column(["Email"])
        let title = csv.column(["Job Title", "Job title"])
        let role = csv.column(["Buying Role", "Buying role"])
        let companyID = csv.column(["Associated Company IDs", "Associated Company ID", "Company ID"])
        let companyName = csv.column(["Associated Company", "Company Name", "Company name"])
        guard let id else { return nil }
        if companyID == nil && companyName == nil {
            csv.problem(1, nil, "no company column (Associated Company IDs, Associated Company or Company Name): every contact must belong to an account")
            return nil
        }
        var contacts: [Contact] = []
        var seen: [String: Int] = [:]
        var primaryTaken: Set<AccountIndex> = []
        for (line, row) in csv.rows {
            var ok = true
            func fail(_ column: Int?, _ reason: String) {
                csv.problem(line, column, reason)
                ok = false
            }
            guard let contactID = csv.value(row, id) else {
                fail(id, "a Record ID is required")
                continue
            }
            if let earlier = seen[contactID] { fail(id, "contact '\(contactID)' is also on line \(earlier)") }
            seen[contactID] = line
            // A contact associated with several companies is kept with the first (HubSpot's primary company).
            let company = csv.value(row, companyID).map { String($0.split(separator: ";").first ?? "") }
                ?? csv.value(row, companyName)
            var account: AccountIndex?
            if let company, !company.isEmpty {
                switch matcher.account(company) {
                case .success(let a): account = a
                case .failure(let p): fail(companyID ?? companyName, p.reason)
                }
            } else {
                fail(companyID ?? companyName, "the contact has no company (every contact must belong to an account)")
            }
            let address = csv.value(row, email)
            if let address, !RecordReader.looksLikeEmail(address) { fail(email, "'\(address)' is not an email address") }
            guard ok, let account else { continue }
            let name = [csv.value(row, first), csv.value(row, last)].compactMap { $0 }.joined(separator: " ")
            // The first contact of each company is its primary one, as HubSpot lists a company's main contact first.
            let primary = primaryTaken.insert(account).inserted
            contacts.append(
                Contact(
                    id: ContactID(contactID), account: account, name: name.isEmpty ? nil : name, email: address,
                    role: Self.role(csv.value(row, role)), title: csv.value(row, title), primary: primary))
        }
        var dataset = matcher.dataset
        dataset.contacts = contacts
        return .dataset(dataset, newRecords: contacts.count)
    }

    /// HubSpot's buying role (one of several, `;`-separated: the most telling is kept) as Vitals' role.
    static func role(_ text: String?) -> ContactRole {
        let roles = (text ?? "").lowercased().split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        let order: [(String, ContactRole)] = [
            ("champion", .champion), ("decision maker", .decisionMaker), ("decision_maker", .decisionMaker),
            ("executive sponsor", .decisionMaker), ("executive_sponsor", .decisionMaker),
            ("budget holder", .economicBuyer), ("budget_holder", .economicBuyer), ("end user", .user), ("end_user", .user),
        ]
        for (name, role) in order where roles.contains(name) { return role }
        return .other
    }
}
