import VitalsApp
import VitalsCore
import VitalsFormats

/// What the dashboard says about a KPI beyond its number: which direction is good, and the questions and actions a
/// customer-success team should consider when it is off.
enum KPIGuide {
    /// Whether a fall of the KPI is good news (churn, contraction, effort, resolution time).
    static func lowerIsBetter(_ kpi: KPI) -> Bool {
        switch kpi {
        case .contractionMRR, .churnedMRR, .churnedCustomers, .customerChurnRate, .grossRevenueChurnRate,
            .netRevenueChurnRate, .netRevenueChurnRateCohort, .cac, .cacPaybackMonths, .npsDetractors, .npsMarginOfError, .ticketsOpened,
            .ticketsPerAccount, .medianResolutionHours, .medianDaysToOnboard, .onboardingOverdue, .voluntaryChurnedMRR,
            .delinquentChurnedMRR, .churnedMRRByReason:
            true
        case .ces:
            // CES is scored so that higher means easier (1-7, 7 = very easy).
            false
        default:
            false
        }
    }

    /// Questions to ask and actions to consider when the KPI moves the wrong way.
    static func advice(_ kpi: KPI) -> (questions: [String], actions: [String]) {
        switch kpi {
        case .mrr, .arr, .netNewMRR, .payingCustomers, .arpa, .quickRatio:
            (
                ["Which movement drove the change: fewer new customers, more churn, or contraction?",
                 "Is the change concentrated in one segment, plan or CSM's book?"],
                ["Open the MRR movements breakdown and the accounts behind the largest losses.",
                 "Review renewals due in the next 90 days with the owners of the largest accounts."]
            )
        case .newMRR, .newCustomers, .trialConversionRate, .cac, .cacPaybackMonths, .ltvToCac:
            (
                ["Did trial conversion or the lead flow change?", "Is acquisition spend buying the customers who stay?"],
                ["Compare conversion by channel and plan.", "Hand CS-qualified leads and referrals back to sales quickly."]
            )
        case .expansionMRR, .expansionRate, .upsellRate, .crossSellRate, .upsellPipelineValue, .upsellPipelineCount,
            .csqls, .csqlWinRate, .referrals, .referralConversionRate:
            (
                ["Which healthy accounts are close to their plan limits or using features of a higher tier?",
                 "Are CSMs creating upsell and referral leads, and are they being worked?"],
                ["List green accounts with rising usage and no open opportunity; create leads for their CSMs.",
                 "Ask promoters (NPS 9-10) for referrals and reviews."]
            )
        case .churnedMRR, .churnedCustomers, .customerChurnRate, .customerRetentionRate, .grossRevenueChurnRate,
            .netRevenueChurnRate, .netRevenueChurnRateCohort, .grr, .nrr, .nrrPeriod, .contractionMRR, .reactivationMRR, .ltv,
            .voluntaryChurnedMRR, .churnedMRRByReason:
            (
                ["Which segment and which reasons account for most of the lost revenue?",
                 "Were the churned accounts red or yellow beforehand, and did anyone act?",
                 "Which renewals in the next quarter look like the accounts that churned?"],
                ["Prioritise renewals of at-risk accounts by MRR and assign owners with due dates.",
                 "Run a win-back sequence for recently churned accounts; record the churn reason."]
            )
        case .nps, .npsPromoters, .npsPassives, .npsDetractors, .npsResponses, .npsMarginOfError:
            (
                ["What do detractors say in their comments, and are they concentrated in one segment?",
                 "Is the response count large enough (see the margin of error) to act on the change?"],
                ["Call every detractor of a high-touch account within two days; close the loop in writing.",
                 "Turn promoters into references and referrals."]
            )
        case .csat, .csatMean, .satisfactionIndex, .ces, .cesEasyShare, .surveyResponseRate:
            (
                ["Which touchpoints (support, onboarding, billing) drive the low scores?",
                 "Is effort high for one task that a guide or product fix could remove?"],
                ["Review the low scores' tickets with the support lead.", "Publish help for the hardest tasks."]
            )
        case .fcrRate, .ticketsOpened, .ticketsPerAccount, .medianResolutionHours:
            (
                ["Which topics need several replies or reopen?", "Which accounts open the most tickets, and why?"],
                ["Give first-line agents the knowledge and rights to resolve the top topics at once.",
                 "Offer training to accounts with heavy support load."]
            )
        case .onboardingCompletionRate, .medianDaysToOnboard, .onboardingOverdue:
            (
                ["Which milestone do accounts stall on?", "Are overdue onboardings concentrated in one segment or CSM?"],
                ["High touch: a CSM call for each overdue account; low touch: a webinar invite; tech touch: an in-app guide.",
                 "Shorten or split the milestone accounts stall on."]
            )
        case .activeUsers, .activeAccounts, .stickiness, .avgTimeOnPlatformMinutes, .featureAdoption:
            (
                ["Which accounts' usage dropped most since the last period?",
                 "Are the key features adopted by the accounts that renew?"],
                ["Reach out to accounts whose usage fell by half; show them the features their peers use.",
                 "Share adoption reports with champions before renewals."]
            )
        case .delinquentChurnedMRR:
            (
                ["Which accounts fell past due, and did their payment retries fail for an expired card or for funds?",
                 "Does the delinquency window give finance and the CSM enough time to recover the payment?"],
                ["Send card-update reminders before cards expire and after the first failed payment.",
                 "Have the CSM call past-due accounts of high-touch customers before the window runs out."]
            )
        case .renewalsDue, .arrUpForRenewal, .grossRenewalRate, .netRenewalRate, .logoRenewalRate:
            (
                ["Which renewals of the next quarter are on red or yellow accounts, and who owns them?",
                 "Did the renewals that churned or contracted share a segment, product or reason?"],
                ["Open the renewals page, set a forecast call on each renewal due in 90 days, and plan a review with the owners of those at risk.",
                 "Start renewal conversations a full quarter ahead for annual and multi-year terms."]
            )
        case .goalAttainmentRate:
            (
                ["Which customers are behind on the goals they bought the product for?"],
                ["Agree a success plan with a date for each goal behind schedule."]
            )
        case .repeatPurchaseRate, .purchaseFrequency:
            (
                ["Which customers bought once and not again?"],
                ["Send a tailored follow-up offer to one-time buyers after their typical reorder interval."]
            )
        }
    }

    /// The KPI's documented one-line definition and formula, as HTML with code spans.
    static func definition(_ kpi: KPI) -> (summary: HTML, formula: HTML)? {
        guard let entry = KPIDefinitions.byID[kpi.id] else { return nil }
        return (inlineMarkdown(entry.summary), inlineMarkdown(entry.formula))
    }

    /// The small part of Markdown the definitions use: `code`, *emphasis* and **strong**.
    static func inlineMarkdown(_ text: String) -> HTML {
        var out = ""
        var inCode = false
        var buffer = ""
        func flush() {
            let escaped = HTML.escape(buffer)
            out += inCode ? "<code>\(escaped)</code>" : escaped.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "*", with: "")
            buffer = ""
        }
        for c in text {
            if c == "`" {
                flush()
                inCode.toggle()
            } else {
                buffer.append(c)
            }
        }
        flush()
        return HTML(raw: out)
    }
}
