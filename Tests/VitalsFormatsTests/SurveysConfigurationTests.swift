import Foundation
import Testing
import VitalsCore
import VitalsFormats

/// The `[surveys]` section (docs/surveys.md, "Settings"): read, every bad setting listed, written back.
@Suite struct SurveysConfigurationTests {
    @Test func readsEverySetting() throws {
        let settings = try SurveysConfigurationLoader.parse(
            """
            [report]
            currency = "EUR"

            [surveys]
            triggers = ["ticket_resolved", "periodic"]
            csat_delay_minutes = 90
            lookback_days = 3
            nps_every_days = 120
            nps_sample = 0.25
            min_days_between_surveys = 45
            token_days = 14
            company = "Acme \\"Analytics\\""
            """, source: "vitals.toml")
        // 90 minutes = 5,400 s; 3 days = 259,200 s.
        #expect(
            settings
                == SurveySettings(
                    triggers: [.ticketResolved, .periodic], csatDelaySeconds: 5_400, lookbackSeconds: 259_200, npsEveryDays: 120,
                    npsSample: 0.25, minDaysBetweenSurveys: 45, tokenDays: 14, company: "Acme \"Analytics\""))
        // Written back, the section reads as the same settings.
        #expect(try SurveysConfigurationLoader.parse(SurveysConfigurationLoader.write(settings), source: "saved") == settings)
    }

    @Test func defaultsSendNothing() throws {
        let settings = try SurveysConfigurationLoader.parse("[report]\ncurrency = \"USD\"\n", source: "vitals.toml")
        #expect(settings.triggers.isEmpty)
        #expect(settings.csatDelaySeconds == 3_600 && settings.npsEveryDays == 90 && settings.minDaysBetweenSurveys == 30)
        #expect(settings.tokenDays == 30 && settings.npsSample == 1 && settings.lookbackSeconds == 7 * 86_400)
    }

    @Test func everyBadSettingIsListed() {
        #expect {
            try SurveysConfigurationLoader.parse(
                """
                [surveys]
                triggers = ["ticket_resolved", "manual", "daily"]
                csat_delay_minutes = -5
                nps_every_days = 3
                nps_sample = 1.5
                min_days_between_surveys = "thirty"
                token_days = 0
                colour = "blue"
                """, source: "vitals.toml")
        } throws: { error in
            let problems = (error as? ConfigurationError)?.problems ?? []
            return problems == [
                "vitals.toml: [surveys] colour: unknown key (known: triggers, csat_delay_minutes, lookback_days, nps_every_days, nps_sample, min_days_between_surveys, token_days, company)",
                "vitals.toml: [surveys] triggers: 'manual' is not ticket_resolved, periodic or onboarding_completed",
                "vitals.toml: [surveys] triggers: 'daily' is not ticket_resolved, periodic or onboarding_completed",
                "vitals.toml: [surveys] csat_delay_minutes: must be a whole number from 0 to 43200",
                "vitals.toml: [surveys] nps_every_days: must be a whole number from 7 to 730",
                "vitals.toml: [surveys] nps_sample: must be a number from 0 to 1",
                "vitals.toml: [surveys] min_days_between_surveys: must be a whole number from 0 to 730",
                "vitals.toml: [surveys] token_days: must be a whole number from 1 to 365",
            ]
        }
    }

    @Test func aSyntaxErrorSaysWhere() {
        #expect {
            try SurveysConfigurationLoader.parse("[surveys]\ntoken_days = = 3\n", source: "form")
        } throws: { error in
            ((error as? ConfigurationError)?.problems.first ?? "").hasPrefix("form:2:")
        }
    }

    @Test func theReportLoaderKnowsTheSection() throws {
        let path = NSTemporaryDirectory() + "vitals-surveys-\(UUID().uuidString).toml"
        try "[surveys]\ntriggers = [\"periodic\"]\n".write(toFile: path, atomically: true, encoding: .utf8)
        _ = try ConfigurationLoader.load(configFile: path, environment: [:], flags: .init())
        #expect(try SurveysConfigurationLoader.load(configFile: path).triggers == [.periodic])
    }
}
