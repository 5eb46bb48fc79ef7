extension KPICalculator {
    /// Every renewal of the dataset's subscriptions due up to and including `through`, decided as of `asOf` with the
    /// settings' grace window (docs/metrics.md, renewals), in subscription item order then time.
    public func renewals(asOf: Timestamp, through: Timestamp) -> [Renewal] {
        RenewalCalculator(fx: fx, delinquencyDays: settings.delinquencyDays, graceDays: settings.renewalGraceDays)
            .renewals(of: dataset.subscriptions, timeline: timeline, asOf: asOf, through: through)
    }

    /// The renewals a report of `scope` counts: those due before the end of its last period, as of `scope.asOf`.
    func renewals(for scope: ReportScope) -> [Renewal] {
        guard let last = scope.periods.last else { return [] }
        return renewals(asOf: scope.asOf, through: last.end.adding(seconds: -1))
    }
}
