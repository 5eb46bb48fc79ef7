/// How a KPI's value is expressed.
public enum KPIUnit: String, Sendable {
    /// Reporting-currency minor units internally; major units in JSON.
    case money
    /// A fraction: 0.05 = 5 %.
    case rate
    case count
    /// A plain number (ratios such as the quick ratio, months, averages).
    case number
    /// Named fractions, e.g. feature adoption per event name.
    case rates
    /// Named amounts of money (reporting-currency minor units internally), e.g. churned MRR per cancel reason.
    case amounts

    /// Whether values of this unit are breakdowns (named values) rather than one number.
    public var isBreakdown: Bool { self == .rates || self == .amounts }
}

/// Every KPI Vitals reports, by its JSON id. `docs/metrics.md` defines each one.
public enum KPI: String, CaseIterable, Sendable, Codable {
    case mrr, arr
    case payingCustomers = "paying_customers"
    case arpa
    case newMRR = "new_mrr"
    case expansionMRR = "expansion_mrr"
    case contractionMRR = "contraction_mrr"
    case churnedMRR = "churned_mrr"
    case reactivationMRR = "reactivation_mrr"
    case netNewMRR = "net_new_mrr"
    case newCustomers = "new_customers"
    case churnedCustomers = "churned_customers"
    case customerChurnRate = "customer_churn_rate"
    case customerRetentionRate = "customer_retention_rate"
    case grossRevenueChurnRate = "gross_revenue_churn_rate"
    case netRevenueChurnRate = "net_revenue_churn_rate"
    case netRevenueChurnRateCohort = "net_revenue_churn_rate_cohort"
    case grr, nrr
    case nrrPeriod = "nrr_period"
    case expansionRate = "expansion_rate"
    case upsellRate = "upsell_rate"
    case crossSellRate = "cross_sell_rate"
    case quickRatio = "quick_ratio"
    case ltv, cac
    case ltvToCac = "ltv_to_cac"
    case cacPaybackMonths = "cac_payback_months"
    case trialConversionRate = "trial_conversion_rate"
    case repeatPurchaseRate = "repeat_purchase_rate"
    case purchaseFrequency = "purchase_frequency"

    // Voice of the customer (survey_responses).
    case nps
    case npsPromoters = "nps_promoters"
    case npsPassives = "nps_passives"
    case npsDetractors = "nps_detractors"
    case npsResponses = "nps_responses"
    case npsMarginOfError = "nps_margin_of_error"
    case csat
    case csatMean = "csat_mean"
    case ces
    case cesEasyShare = "ces_easy_share"
    case satisfactionIndex = "satisfaction_index"
    case surveyResponseRate = "survey_response_rate"
    // Support (tickets).
    case fcrRate = "fcr_rate"
    case ticketsOpened = "tickets_opened"
    case ticketsPerAccount = "tickets_per_account"
    case medianResolutionHours = "median_resolution_hours"
    // Onboarding and adoption (onboarding, usage_events).
    case onboardingCompletionRate = "onboarding_completion_rate"
    case medianDaysToOnboard = "median_days_to_onboard"
    case onboardingOverdue = "onboarding_overdue"
    case activeUsers = "active_users"
    case activeAccounts = "active_accounts"
    case stickiness
    case avgTimeOnPlatformMinutes = "avg_time_on_platform_minutes"
    case featureAdoption = "feature_adoption"
    // Growth from existing customers (leads, success_goals).
    case referrals
    case referralConversionRate = "referral_conversion_rate"
    case csqls
    case csqlWinRate = "csql_win_rate"
    case upsellPipelineValue = "upsell_pipeline_value"
    case upsellPipelineCount = "upsell_pipeline_count"
    case goalAttainmentRate = "goal_attainment_rate"
    // Renewals (subscriptions with terms of a quarter or longer) and churn causes.
    case renewalsDue = "renewals_due"
    case arrUpForRenewal = "arr_up_for_renewal"
    case grossRenewalRate = "gross_renewal_rate"
    case netRenewalRate = "net_renewal_rate"
    case logoRenewalRate = "logo_renewal_rate"
    case voluntaryChurnedMRR = "voluntary_churned_mrr"
    case delinquentChurnedMRR = "delinquent_churned_mrr"
    case churnedMRRByReason = "churned_mrr_by_reason"

    public var id: String { rawValue }

    public var unit: KPIUnit {
        switch self {
        case .mrr, .arr, .arpa, .newMRR, .expansionMRR, .contractionMRR, .churnedMRR, .reactivationMRR, .netNewMRR,
            .ltv, .cac, .upsellPipelineValue, .arrUpForRenewal, .voluntaryChurnedMRR, .delinquentChurnedMRR:
            .money
        case .payingCustomers, .newCustomers, .churnedCustomers, .npsPromoters, .npsPassives, .npsDetractors,
            .npsResponses, .ticketsOpened, .onboardingOverdue, .activeUsers, .activeAccounts, .referrals, .csqls,
            .upsellPipelineCount, .renewalsDue:
            .count
        case .customerChurnRate, .customerRetentionRate, .grossRevenueChurnRate, .netRevenueChurnRate,
            .netRevenueChurnRateCohort, .grr, .nrr,
            .nrrPeriod, .expansionRate, .upsellRate, .crossSellRate, .trialConversionRate, .repeatPurchaseRate, .csat,
            .cesEasyShare, .fcrRate, .onboardingCompletionRate, .stickiness, .referralConversionRate, .csqlWinRate,
            .goalAttainmentRate, .grossRenewalRate, .netRenewalRate, .logoRenewalRate:
            .rate
        case .quickRatio, .ltvToCac, .cacPaybackMonths, .purchaseFrequency, .nps, .npsMarginOfError, .csatMean, .ces,
            .satisfactionIndex, .ticketsPerAccount, .medianResolutionHours, .medianDaysToOnboard,
            .avgTimeOnPlatformMinutes:
            .number
        case .featureAdoption, .surveyResponseRate: .rates
        case .churnedMRRByReason: .amounts
        }
    }

    /// A short human title.
    public var title: String {
        switch self {
        case .mrr: "MRR"
        case .arr: "ARR"
        case .payingCustomers: "Paying customers"
        case .arpa: "ARPA"
        case .newMRR: "New MRR"
        case .expansionMRR: "Expansion MRR"
        case .contractionMRR: "Contraction MRR"
        case .churnedMRR: "Churned MRR"
        case .reactivationMRR: "Reactivation MRR"
        case .netNewMRR: "Net new MRR"
        case .newCustomers: "New customers"
        case .churnedCustomers: "Churned customers"
        case .customerChurnRate: "Customer churn"
        case .customerRetentionRate: "Customer retention"
        case .grossRevenueChurnRate: "Gross revenue churn"
        case .netRevenueChurnRate: "Net revenue churn"
        case .netRevenueChurnRateCohort: "Net revenue churn (start cohort)"
        case .grr: "GRR"
        case .nrr: "NRR (12 months)"
        case .nrrPeriod: "NRR (period)"
        case .expansionRate: "Expansion rate"
        case .upsellRate: "Upsell rate"
        case .crossSellRate: "Cross-sell rate"
        case .quickRatio: "Quick ratio"
        case .ltv: "LTV"
        case .cac: "CAC"
        case .ltvToCac: "LTV:CAC"
        case .cacPaybackMonths: "CAC payback (months)"
        case .trialConversionRate: "Trial conversion"
        case .repeatPurchaseRate: "Repeat purchase rate"
        case .purchaseFrequency: "Purchase frequency"
        case .nps: "NPS"
        case .npsPromoters: "NPS promoters"
        case .npsPassives: "NPS passives"
        case .npsDetractors: "NPS detractors"
        case .npsResponses: "NPS responses"
        case .npsMarginOfError: "NPS margin of error"
        case .csat: "CSAT"
        case .csatMean: "CSAT mean"
        case .ces: "CES"
        case .cesEasyShare: "CES easy share"
        case .satisfactionIndex: "Satisfaction index"
        case .surveyResponseRate: "Survey response rate"
        case .fcrRate: "First contact resolution"
        case .ticketsOpened: "Tickets opened"
        case .ticketsPerAccount: "Tickets per account"
        case .medianResolutionHours: "Median resolution (hours)"
        case .onboardingCompletionRate: "Onboarding completion"
        case .medianDaysToOnboard: "Median days to onboard"
        case .onboardingOverdue: "Onboarding overdue"
        case .activeUsers: "Active users"
        case .activeAccounts: "Active accounts"
        case .stickiness: "Stickiness (DAU/MAU)"
        case .avgTimeOnPlatformMinutes: "Time on platform (min/day)"
        case .featureAdoption: "Feature adoption"
        case .referrals: "Referrals"
        case .referralConversionRate: "Referral conversion"
        case .csqls: "CS-qualified leads"
        case .csqlWinRate: "CSQL win rate"
        case .upsellPipelineValue: "Upsell pipeline"
        case .upsellPipelineCount: "Upsell pipeline (count)"
        case .goalAttainmentRate: "Customer goal attainment"
        case .renewalsDue: "Renewals due"
        case .arrUpForRenewal: "ARR up for renewal"
        case .grossRenewalRate: "Gross renewal rate"
        case .netRenewalRate: "Net renewal rate"
        case .logoRenewalRate: "Logo renewal rate"
        case .voluntaryChurnedMRR: "Voluntary churned MRR"
        case .delinquentChurnedMRR: "Delinquent churned MRR"
        case .churnedMRRByReason: "Churned MRR by reason"
        }
    }
}

/// A KPI's value for one period: a number in the KPI's unit, or null when its denominator is zero.
public enum KPIValue: Sendable, Equatable {
    case number(Double)
    /// Named values (a breakdown such as adoption per feature), in the KPI's unit.
    case breakdown([String: Double])
    case null

    public init(_ value: Double?) { self = value.map { .number($0) } ?? .null }

    /// `numerator / denominator`, or null when the denominator is zero.
    public static func ratio(_ numerator: Double, _ denominator: Double) -> KPIValue {
        denominator == 0 ? .null : .number(numerator / denominator)
    }

    public var double: Double? {
        if case .number(let value) = self { return value }
        return nil
    }
}
