/// A CSM's forecast of how a renewal will turn out, set on the renewals page or over the API (docs/metrics.md,
/// renewals): closed quarters show it against the outcome.
public enum ForecastCall: String, Sendable, CaseIterable, Codable {
    /// Will renew: agreed or as good as.
    case commit
    /// Expected to renew.
    case likely
    case atRisk = "at_risk"
    /// Will not renew.
    case lost

    public var title: String {
        switch self {
        case .commit: "Commit"
        case .likely: "Likely"
        case .atRisk: "At risk"
        case .lost: "Lost"
        }
    }

    /// Whether the call came true: commit and likely expect ARR kept (renewed, expanded or contracted), at risk and
    /// lost expect a churn; `nil` while the renewal is pending.
    public func cameTrue(_ outcome: RenewalOutcome) -> Bool? {
        switch outcome {
        case .pending: nil
        case .churned: self == .atRisk || self == .lost
        case .renewed, .expanded, .contracted: self == .commit || self == .likely
        }
    }
}
