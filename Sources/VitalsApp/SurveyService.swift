import Foundation
import Logging
import VitalsConnectors
import VitalsCore
import VitalsFormats
import VitalsStore

/// Sends hosted surveys (docs/surveys.md): on a schedule it plans the invitations due in each workspace
/// (`SurveyPlanner`) and stores them, each with its email in the same transaction (`SaveRequest.emails`), through the
/// ingest writer, so that the records and the cache move together; the mailer sends the emails from the queue. It also
/// sends by hand (`sendManual`) and takes the answers of the survey pages (`SurveyService+Answers.swift`).
///
/// The clock is injected: tests set it.
public actor SurveyService {
    /// What a manual send did.
    public enum ManualOutcome: Sendable, Equatable {
        case sent(SurveyInvitation)
        /// A limit refused it (`SurveyPlanner.Refusal` says which).
        case refused(SurveyPlanner.Refusal)
    }

    package nonisolated let store: any VitalsStorage
    package nonisolated let cache: WorkspaceCache
    package nonisolated let writer: IngestWriter
    /// The `[surveys]` section of the configuration file; a workspace's saved section overrides it.
    public nonisolated let fileSettings: SurveySettings
    /// Where the links of the emails point: `[email] public_url` / `VITALS_PUBLIC_URL`, else `http://HOST:PORT`.
    public nonisolated let publicURL: String
    package nonisolated let clock: @Sendable () -> Timestamp
    /// How often the triggers are checked.
    public nonisolated let checkEverySeconds: Int64
    private let logger: Logger
    /// Invitations whose answer is being written (one answer at a time each, across the awaits of a save).
    var answering: Set<String> = []

    package init(
        store: any VitalsStorage, cache: WorkspaceCache, writer: IngestWriter, settings: SurveySettings = SurveySettings(),
        publicURL: String, clock: @escaping @Sendable () -> Timestamp = { .now }, checkEverySeconds: Int64 = 60,
        logger: Logger = Logger(label: "vitals.surveys")
    ) {
        self.store = store
        self.cache = cache
        self.writer = writer
        fileSettings = settings
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.clock = clock
        self.checkEverySeconds = max(1, checkEverySeconds)
        self.logger = logger
    }

    /// The settings of `workspace`: its section saved from the admin page, else the file's.
    public nonisolated func settings(workspace: Int64) throws -> SurveySettings {
        guard let saved = try store.settings(workspace: workspace).first(where: { $0.section == "surveys" }) else {
            return fileSettings
        }
        return try SurveysConfigurationLoader.parse(saved.value, source: "[surveys] saved by \(saved.updatedBy)")
    }

    /// The addresses of `workspace` that get no survey (unsubscribed from surveys or from everything).
    public nonisolated func suppressed(workspace: Int64) throws -> Set<String> {
        Set(try store.suppressions(workspace: workspace).filter { $0.scope != .reports }.map(\.address))
    }

    /// Plans and sends the invitations due now in `workspace`; returns them.
    @discardableResult
    public func sendDue(workspace: Int64) async throws -> [SurveyInvitation] {
        let settings = try settings(workspace: workspace)
        guard !settings.triggers.isEmpty else { return [] }
        let now = clock()
        let dataset = try await cache.view(workspace).dataset
        let planned = SurveyPlanner.plan(dataset, settings: settings, suppressed: try suppressed(workspace: workspace), now: now)
        return try await send(planned, workspace: workspace, dataset: dataset, settings: settings, at: now)
    }

    /// Sends `survey` to `contact` of `account` now, unless a limit refuses it.
    public func sendManual(
        workspace: Int64, account: AccountID, contact: ContactID, survey: SurveyKind
    ) async throws -> ManualOutcome {
        let settings = try settings(workspace: workspace)
        let now = clock()
        let dataset = try await cache.view(workspace).dataset
        guard let index = dataset.index(of: account),
            let person = dataset.contacts.first(where: { $0.id == contact && $0.account == index })
        else { return .refused(.unknownContact) }
        if let refusal = SurveyPlanner.refusal(
            person, in: dataset, settings: settings, suppressed: try suppressed(workspace: workspace), now: now)
        {
            return .refused(refusal)
        }
        let planned = SurveyPlanner.Planned(
            id: SurveyInvitationID("manual-\(now.seconds)-\(contact.rawValue)"), account: index, contact: contact,
            survey: survey, trigger: .manual, reference: "manual")
        let sent = try await send([planned], workspace: workspace, dataset: dataset, settings: settings, at: now)
        return .sent(sent[0])
    }

    /// Stores `planned` as invitations with their emails, in one transaction.
    private func send(
        _ planned: [SurveyPlanner.Planned], workspace: Int64, dataset: Dataset, settings: SurveySettings, at now: Timestamp
    ) async throws -> [SurveyInvitation] {
        guard !planned.isEmpty else { return [] }
        let references = try await cache.references(workspace)
        var records = Dataset(accounts: references.accounts) ?? Dataset()
        let key = try store.serverSecret("links", at: now)
        let company = settings.company
        let contacts = Dictionary(dataset.contacts.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var emails: [NewEmail] = []
        var sent: [SurveyInvitation] = []
        for p in planned {
            guard let contact = contacts[p.contact], let address = EmailAddress.normalized(contact.email ?? ""),
                let stored = references.indexes[dataset[p.account].id.rawValue]
            else { continue }
            let invitation = SurveyInvitation(
                id: p.id, account: AccountIndex(stored), contact: p.contact, survey: p.survey, trigger: p.trigger,
                reference: p.reference, sentAt: now)
            let token = SignedLink.make(
                ["survey", String(workspace), p.id.rawValue], expires: now.adding(seconds: Int64(settings.tokenDays) * 86_400),
                key: key)
            let question = SurveyQuestion.of(
                p.survey, company: company, ticket: p.trigger == .ticketResolved ? p.reference : nil)
            emails.append(
                SurveyEmail.make(
                    question, recipient: address, recipientName: contact.name, company: company,
                    surveyLink: "\(publicURL)/s/\(token)",
                    invitation: p.id))
            records.surveyInvitations.append(invitation)
            var shown = invitation
            shown.account = p.account
            sent.append(shown)
        }
        guard !sent.isEmpty else { return [] }
        try await writer.save(
            SaveRequest(records, workspace: workspace, storedAccounts: references.rows, emails: emails, emailedAt: now),
            changesReferences: false)
        await cache.invalidate(workspace, references: false)
        logger.info("surveys: \(sent.count) invitations queued in workspace \(workspace)")
        return sent
    }

    /// Checks the triggers of every workspace every `checkEverySeconds`, until cancelled.
    public func run() async {
        while !Task.isCancelled {
            do {
                for workspace in try store.workspaceIDs() {
                    do { try await sendDue(workspace: workspace) } catch { logger.error("surveys: workspace \(workspace): \(error)") }
                }
            } catch {
                logger.error("surveys: \(error)")
            }
            try? await Task.sleep(nanoseconds: UInt64(checkEverySeconds) * 1_000_000_000)
        }
    }
}
