import Foundation
import Testing
import VitalsCore
import VitalsFormats

@Suite struct ConfigurationTests {
    func tempFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vitals-\(UUID().uuidString).toml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func layersDefaultsFileEnvironmentAndFlags() throws {
        let file = try tempFile("[report]\ncurrency = \"EUR\"\ngross_margin = 0.7\ndelinquency_days = 14\n")
        #expect(try ConfigurationLoader.load(configFile: nil, environment: [:], flags: .init()) == ReportSettings())
        #expect(
            try ConfigurationLoader.load(configFile: file, environment: [:], flags: .init())
                == ReportSettings(reportingCurrency: .eur, grossMargin: 0.7, delinquencyDays: 14))
        #expect(
            try ConfigurationLoader.load(configFile: file, environment: ["VITALS_GROSS_MARGIN": "0.9"], flags: .init())
                == ReportSettings(reportingCurrency: .eur, grossMargin: 0.9, delinquencyDays: 14))
        #expect(
            try ConfigurationLoader.load(
                configFile: file, environment: ["VITALS_GROSS_MARGIN": "0.9"], flags: .init(currency: "GBP", grossMargin: "0.5"))
                == ReportSettings(reportingCurrency: .gbp, grossMargin: 0.5, delinquencyDays: 14))
    }

    @Test func theRenewalGraceWindowIsASettingFromZeroToAYear() throws {
        let file = try tempFile("[report]\nrenewal_grace_days = 14\n")
        #expect(try ConfigurationLoader.load(configFile: file, environment: [:], flags: .init()).renewalGraceDays == 14)
        #expect(try ConfigurationLoader.load(configFile: nil, environment: [:], flags: .init()).renewalGraceDays == 30)
        #expect(
            try ConfigurationLoader.load(configFile: file, environment: ["VITALS_RENEWAL_GRACE_DAYS": "0"], flags: .init())
                .renewalGraceDays == 0)
        for bad in ["-1", "366", "late"] {
            #expect(throws: ConfigurationError.self) {
                try ConfigurationLoader.load(configFile: nil, environment: ["VITALS_RENEWAL_GRACE_DAYS": bad], flags: .init())
            }
        }
    }

    @Test func theOnboardingHorizonIsASettingFromOneToThirtySixThousandFiveHundredDays() throws {
        let file = try tempFile("[report]\nonboarding_overdue_days = 30\n")
        #expect(try ConfigurationLoader.load(configFile: file, environment: [:], flags: .init()).onboardingOverdueDays == 30)
        #expect(try ConfigurationLoader.load(configFile: nil, environment: [:], flags: .init()).onboardingOverdueDays == 90)
        #expect(
            try ConfigurationLoader.load(configFile: file, environment: ["VITALS_ONBOARDING_OVERDUE_DAYS": "120"], flags: .init())
                .onboardingOverdueDays == 120)
        for bad in ["0", "36501", "soon"] {
            #expect(throws: ConfigurationError.self) {
                try ConfigurationLoader.load(configFile: nil, environment: ["VITALS_ONBOARDING_OVERDUE_DAYS": bad], flags: .init())
            }
        }
    }

    @Test func listsEveryBadSetting() throws {
        let file = try tempFile("[report]\ncurrency = \"EURO\"\nmargin = 1\n")
        do {
            _ = try ConfigurationLoader.load(
                configFile: file, environment: ["VITALS_DELINQUENCY_DAYS": "soon"], flags: .init(grossMargin: "80"))
            Issue.record("expected a configuration error")
        } catch {
            #expect(error.problems.count == 4)
            #expect(error.problems.contains { $0.contains("[report] margin: unknown key") })
            #expect(error.problems.contains { $0.contains("currency 'EURO' is not an ISO 4217 code") })
            #expect(error.problems.contains { $0.hasPrefix("--gross-margin: gross_margin '80'") })
            #expect(error.problems.contains { $0.hasPrefix("environment VITALS_DELINQUENCY_DAYS") })
        }
    }

    @Test func reportsTOMLSyntaxErrorsWithTheirLine() throws {
        let file = try tempFile("[report]\ncurrency = \n")
        #expect {
            try ConfigurationLoader.load(configFile: file, environment: [:], flags: .init())
        } throws: { error in
            "\(error)".contains("line 2")
        }
    }
}
