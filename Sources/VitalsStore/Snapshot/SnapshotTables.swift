import Foundation
import VitalsCore

/// How each table of a dataset is laid out in its snapshot section, both ways. A record's fields are written in
/// declaration order; accounts by index; money as minor units and an index into the snapshot's currency list.
enum SnapshotTables {
    typealias Damaged = SnapshotReader.Damaged

    // The enumerations kept as one-byte codes, each code a position in these lists. The snapshot's first section
    // lists their raw values (`codeTables`): a build whose cases differ reads the rows instead of misreading codes.
    static let intervals = Array(BillingInterval.allCases)
    static let statuses = Array(SubscriptionStatus.allCases)
    static let surveyKinds = Array(SurveyKind.allCases)
    static let leadSources = Array(LeadSource.allCases)
    static let leadStatuses = Array(LeadStatus.allCases)

    static var codeTables: [[String]] {
        [
            intervals.map(\.rawValue), statuses.map(\.rawValue), surveyKinds.map(\.rawValue),
            leadSources.map(\.rawValue), leadStatuses.map(\.rawValue),
        ]
    }

    // MARK: writing

    static func writeAccounts(_ accounts: [Account], _ w: inout SnapshotWriter) {
        w.count(accounts.count)
        for a in accounts {
            w.put(a.id.rawValue)
            w.put(a.name)
            w.put(a.createdAt?.seconds)
            w.put(a.csm)
            w.put(a.industry)
            w.put(a.country)
            w.put(a.referredBy?.rawValue)
            w.put(a.attributes)
        }
    }

    static func writeSubscriptions(
        _ versions: [SubscriptionVersion], _ currency: (Money) -> UInt8, _ w: inout SnapshotWriter
    ) {
        w.count(versions.count)
        for v in versions {
            w.put(v.subscriptionID.rawValue)
            w.put(v.account.value)
            w.put(v.product)
            w.put(v.plan)
            w.put(v.amount.minorUnits)
            w.put(currency(v.amount))
            w.put(code: v.interval, in: intervals)
            w.put(Int64(v.intervalCount))
            w.put(Int64(v.quantity))
            w.put(v.discountPercent)
            w.put(v.discountAmount)
            w.put(code: v.status, in: statuses)
            w.put(v.validFrom.seconds)
            w.put(v.validTo?.seconds)
        }
    }

    /// Orders, trials and acquisition costs.
    static func writeRevenueRecords(_ d: Dataset, _ currency: (Money) -> UInt8, _ w: inout SnapshotWriter) {
        w.count(d.orders.count)
        for o in d.orders {
            w.put(o.id.rawValue)
            w.put(o.account.value)
            w.put(o.orderedAt.seconds)
            w.put(o.amount.minorUnits)
            w.put(currency(o.amount))
        }
        w.count(d.trials.count)
        for t in d.trials {
            w.put(t.id.rawValue)
            w.put(t.account.value)
            w.put(t.startedAt.seconds)
            w.put(t.endsAt.seconds)
            w.put(t.convertedAt?.seconds)
            w.put(t.canceledAt?.seconds)
        }
        w.count(d.acquisitionCosts.count)
        for c in d.acquisitionCosts {
            w.put(c.periodStart.seconds)
            w.put(c.periodEnd.seconds)
            w.put(c.amount.minorUnits)
            w.put(currency(c.amount))
            w.put(c.channel)
        }
    }

    static func writeSurveyResponses(_ responses: [SurveyResponse], _ w: inout SnapshotWriter) {
        w.count(responses.count)
        for s in responses {
            w.put(s.id.rawValue)
            w.put(s.account.value)
            w.put(code: s.survey, in: surveyKinds)
            w.put(s.score)
            w.put(s.scaleMin)
            w.put(s.scaleMax)
            w.put(s.respondedAt.seconds)
            w.put(s.contact)
            w.put(s.comment)
        }
    }

    static func writeTickets(_ tickets: [Ticket], _ w: inout SnapshotWriter) {
        w.count(tickets.count)
        for t in tickets {
            w.put(t.id.rawValue)
            w.put(t.account.value)
            w.put(t.openedAt.seconds)
            w.put(t.resolvedAt?.seconds)
            w.put(t.agentReplies.map(Int64.init))
            w.put(t.reopens.map(Int64.init))
            // 0 no, 1 yes, 2 unknown.
            w.put(UInt8(t.firstContactResolution.map { $0 ? 1 : 0 } ?? 2))
            w.put(t.channel)
        }
    }

    /// The usage columns: a fixed head (`UsageLayout`: the event count and the width each narrowable column is kept
    /// in), the columns back to back with no count of their own (a reader copies each straight into place, each on a
    /// thread of its own), then the small rest: properties, users and event names. A column is narrowed only when
    /// every value survives exactly: event names to one byte (under 256 names), instants to four bytes past the
    /// earliest (a span under 136 years), durations to single precision (values a Float holds).
    ///
    /// The events' ids are not kept: nothing computed from a snapshot reads them, they stay in the rows, and they
    /// were a third of the bytes to write and read (21 of about 50 an event).
    static func writeUsage(_ c: UsageLog.Columns, _ w: inout SnapshotWriter) {
        let n = c.accounts.count
        let fewNames = c.names.count <= 256
        let earliest = c.times.min() ?? 0
        let nearTimes = c.times.allSatisfy { $0 &- earliest >= 0 && $0 &- earliest <= Int64(UInt32.max) }
        let floatDurations = c.durations.allSatisfy { $0.isNaN || Double(Float($0)) == $0 }
        w.put(UInt64(n))
        w.put(UInt8(fewNames ? 1 : 4))
        w.put(UInt8(nearTimes ? 4 : 8))
        w.put(earliest)
        w.put(UInt8(floatDurations ? 4 : 8))
        w.boundary()
        w.putRaw(c.accounts)
        w.boundary()
        w.putRaw(c.users)
        w.boundary()
        if fewNames { w.putRaw(c.nameIndices.map { UInt8(truncatingIfNeeded: $0) }) } else { w.putRaw(c.nameIndices) }
        w.boundary()
        if nearTimes { w.putRaw(c.times.map { UInt32(truncatingIfNeeded: $0 &- earliest) }) } else { w.putRaw(c.times) }
        w.boundary()
        if floatDurations { w.putRaw(c.durations.map { Float($0) }) } else { w.putRaw(c.durations) }
        w.boundary()
        w.count(c.properties.count)
        for position in c.properties.keys.sorted() {
            w.count(position)
            w.put(c.properties[position]!)
        }
        w.count(c.userIDs.count)
        for id in c.userIDs { w.put(id) }
        w.putArray(c.userAccounts)
        w.count(c.names.count)
        for name in c.names { w.put(name) }
    }

    /// Onboarding milestones, leads, success goals and CSM pulses.
    static func writeSuccessRecords(_ d: Dataset, _ currency: (Money) -> UInt8, _ w: inout SnapshotWriter) {
        w.count(d.onboarding.count)
        for m in d.onboarding {
            w.put(m.account.value)
            w.put(m.milestone)
            w.put(m.required)
            w.put(m.startedAt?.seconds)
            w.put(m.dueAt?.seconds)
            w.put(m.completedAt?.seconds)
        }
        w.count(d.leads.count)
        for l in d.leads {
            w.put(l.id.rawValue)
            w.put(l.account?.value ?? -1)
            w.put(code: l.source, in: leadSources)
            w.put(l.createdAt.seconds)
            w.put(code: l.status, in: leadStatuses)
            w.put(l.closedAt?.seconds)
            w.put(l.amount != nil)
            if let amount = l.amount {
                w.put(amount.minorUnits)
                w.put(currency(amount))
            }
        }
        w.count(d.successGoals.count)
        for g in d.successGoals {
            w.put(g.id.rawValue)
            w.put(g.account.value)
            w.put(g.name)
            w.put(g.targetDate?.seconds)
            w.put(g.achievedAt?.seconds)
        }
        w.count(d.csmPulses.count)
        for p in d.csmPulses {
            w.put(p.account.value)
            w.put(p.recordedAt.seconds)
            w.put(Int64(p.rating))
            w.put(p.note)
        }
    }
}
