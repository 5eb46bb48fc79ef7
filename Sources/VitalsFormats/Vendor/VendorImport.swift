import Foundation
import VitalsCore

/// The vendor exports `vitals import --format` reads (docs/integrations/).
public enum VendorFormat: String, Sendable, CaseIterable {
    case stripeSubscriptions = "stripe-subscriptions"
    case zendesk, surveymonkey, hubspot
    case hubspotContacts = "hubspot-contacts"
    /// A generic NPS / CSAT / CES answers file with loosely named columns.
    case survey

    /// The format whose tell-tale columns the file's first row has, if any.
    public static func detect(_ bytes: [UInt8]) -> VendorFormat? {
        var parser = CSVParser(bytes: bytes)
        var fields: [CSVParser.Field] = []
        guard (try? parser.nextRow(into: &fields)) == true else { return nil }
        let header = Set(fields.map { VendorCSV.loose(parser.string($0)) })
        if header.contains("respondent id") && header.contains("collector id") { return .surveymonkey }
        if header.contains("record id") && (header.contains("email") || header.contains("first name")) { return .hubspotContacts }
        if header.contains("record id") && (header.contains("company name") || header.contains("name")) { return .hubspot }
        if header.contains("customer id") && header.contains("id") && (header.contains("plan") || header.contains("interval")) {
            return .stripeSubscriptions
        }
        if header.contains("id") && header.contains("created at") && (header.contains("replies") || header.contains("organization")) {
            return .zendesk
        }
        if header.contains("score") || header.contains("nps") || header.contains("rating") { return .survey }
        return nil
    }
}

/// How vendor rows are read.
public struct VendorImportOptions: Sendable {
    /// The zone of times exported without an offset (Zendesk, SurveyMonkey and HubSpot export in the account's).
    public var timeZone: TimeZone
    /// Create accounts for organisations and companies not in the store (else each is a problem).
    public var createAccounts: Bool
    /// The survey of a generic answers file without a `survey` column.
    public var survey: SurveyKind?
    /// SurveyMonkey: (part of) the text of the 0-10 question; default: the one asking how likely ... recommend.
    public var question: String?
    /// The column naming the account (Zendesk, SurveyMonkey, generic surveys), instead of the usual names.
    public var accountColumn: String?
    /// When the import happens: a Stripe export is an observation of its subscriptions at this instant.
    public var now: Timestamp

    public init(
        timeZone: TimeZone = TimeZone(identifier: "UTC")!, createAccounts: Bool = false, survey: SurveyKind? = nil,
        question: String? = nil, accountColumn: String? = nil, now: Timestamp
    ) {
        self.timeZone = timeZone
        self.createAccounts = createAccounts
        self.survey = survey
        self.question = question
        self.accountColumn = accountColumn
        self.now = now
    }
}

/// What a vendor file holds, ready for the store.
public enum VendorRecords: Sendable {
    /// Records to save (`Store.save`): the known accounts first, then any new ones, and the file's records.
    case dataset(Dataset, newRecords: Int)
    /// Stripe subscriptions and customers (`Store.applyStripe` with source `csv@<now>`).
    case stripe(StripeChanges)
}

public enum VendorImport {
    /// Reads `bytes` (the file `file`) as `format`. All or nothing: any bad row fails the whole file with every
    /// problem as `file:line: column: reason`.
    /// - Parameter knownAccounts: the workspace's accounts, which rows may name by id or by name.
    public static func load(
        _ format: VendorFormat, file: String, bytes: [UInt8], knownAccounts: [Account], options: VendorImportOptions
    ) throws(DatasetLoadError) -> VendorRecords {
        let log = IssueLog()
        var matcher = AccountMatcher(known: knownAccounts, create: options.createAccounts)
        let time = VendorTime(timeZone: options.timeZone)
        var result: VendorRecords?
        if let csv = VendorCSV(file: file, bytes: bytes, headerRows: format == .surveymonkey ? 2 : 1, log: log) {
            switch format {
            case .stripeSubscriptions: result = .stripe(StripeSubscriptionsCSV.read(csv, now: options.now))
            case .zendesk: result = ZendeskTickets.read(csv, matcher: &matcher, time: time, options: options)
            case .surveymonkey: result = SurveyMonkeyCSV.read(csv, matcher: &matcher, time: time, options: options)
            case .survey: result = SurveyAnswersCSV.read(csv, matcher: &matcher, time: time, options: options)
            case .hubspot: result = HubSpotCompanies.read(csv, known: knownAccounts, time: time)
            case .hubspotContacts: result = HubSpotContacts.read(csv, matcher: &matcher)
            }
        }
        if let error = log.error { throw error }
        guard let result else { throw DatasetLoadError(issues: [LoadIssue(file: file, line: 0, column: nil, reason: "cannot be read")], total: 1) }
        return result
    }
}
