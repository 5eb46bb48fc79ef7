import VitalsCore

extension RecordReader {
    mutating func readContact<Row: RecordRow>(_ t: inout Row) {
        let (contact, failed) = readFieldsChecked(Contact.layout, of: .contacts, at: fieldPositions, &t)
        if !failed.contains("email"), let email = contact.email, !Self.looksLikeEmail(email) {
            t.fail("email", "'\(email)' is not an email address")
        }
        guard !t.rowFailed else { return }
        dataset.contacts.append(contact)
    }

    mutating func readActivity<Row: RecordRow>(_ t: inout Row) {
        let (activity, failed) = readFieldsChecked(Activity.layout, of: .activities, at: fieldPositions, &t)
        if failed.isDisjoint(with: ["account_id", "contact_id"]), let contact = activity.contact {
            checkContact(contact, of: activity.account, &t)
        }
        guard !t.rowFailed else { return }
        dataset.activities.append(activity)
    }

    mutating func readSurveyInvitation<Row: RecordRow>(_ t: inout Row) {
        let (invitation, failed) = readFieldsChecked(SurveyInvitation.layout, of: .surveyInvitations, at: fieldPositions, &t)
        if failed.isDisjoint(with: ["account_id", "contact_id"]) {
            checkContact(invitation.contact, of: invitation.account, &t)
        }
        if failed.isDisjoint(with: ["sent_at", "opened_at"]) {
            ordered(invitation.sentAt, invitation.openedAt, "opened_at", "must not be before sent_at", &t)
        }
        if failed.isDisjoint(with: ["sent_at", "answered_at"]) {
            ordered(invitation.sentAt, invitation.answeredAt, "answered_at", "must not be before sent_at", &t)
        }
        guard !t.rowFailed else { return }
        dataset.surveyInvitations.append(invitation)
    }

    /// A contact named by another record must be one of the same account: in this import, or stored already.
    mutating func checkContact<Row: RecordRow>(_ contact: ContactID, of account: AccountIndex, _ t: inout Row) {
        if contactOwners.isEmpty, !dataset.contacts.isEmpty || !knownContacts.isEmpty {
            for (id, owner) in knownContacts { contactOwners[id] = owner }
            for c in dataset.contacts { contactOwners[c.id] = dataset[c.account].id }
        }
        let accountID = dataset[account].id
        guard let owner = contactOwners[contact] else {
            t.fail("contact_id", "unknown contact '\(contact)' (" + (elementNumbered ? "not in this workspace)" : "not in contacts.csv)"))
            return
        }
        if owner != accountID {
            t.fail("contact_id", "contact '\(contact)' is of account '\(owner)', not '\(accountID)'")
        }
    }

    /// Something, an `@`, something with a dot after it, and no space: enough to catch a name typed in the wrong
    /// column, without refusing the addresses real mail servers accept.
    static func looksLikeEmail(_ text: String) -> Bool {
        guard let at = text.lastIndex(of: "@"), at != text.startIndex else { return false }
        let domain = text[text.index(after: at)...]
        return !text.contains(where: \.isWhitespace) && domain.contains(".") && domain.first != "." && domain.last != "."
    }
}
