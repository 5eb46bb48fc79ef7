import Foundation
import TOMLKit
import Testing
import VitalsCore
import VitalsFormats

@Suite struct EmailConfigurationTests {
    func parse(_ text: String, env: [String: String] = [:]) throws(ConfigurationError) -> EmailSettings {
        try EmailConfigurationLoader.parse(try! TOMLTable(string: text), source: "vitals.toml", environment: env)
    }

    @Test func theSectionWithTheEnvironmentOverIt() throws {
        let passwordFile = NSTemporaryDirectory() + "smtp-\(UUID().uuidString)"
        try "s3cret\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let settings = try parse(
            """
            [email]
            host = "smtp.example.com"
            security = "tls"
            user = "vitals"
            password_file = "\(passwordFile)"
            from = "Vitals@Example.com"
            public_url = "https://vitals.example.com/"
            digest_to = ["Ana@example.com", "bo@example.com"]
            alerts_to = "csm"
            report_to = ["ceo@example.com"]
            """, env: ["VITALS_SMTP_HOST": "relay.example.com"])
        #expect(settings.host == "relay.example.com")
        #expect(settings.security == .tls && settings.effectivePort == 465)
        #expect(settings.password == "s3cret")
        #expect(settings.from == "Vitals@Example.com" && settings.isConfigured)
        #expect(settings.publicURL == "https://vitals.example.com")
        #expect(settings.digestTo == ["ana@example.com", "bo@example.com"])
        #expect(settings.alertsTo == .csm && settings.reportTo == .addresses(["ceo@example.com"]))
    }

    @Test func withoutHostNothingIsSetUp() throws {
        let settings = try parse("")
        #expect(!settings.isConfigured && settings.effectivePort == 587 && settings.alertsTo == .csm)
        let env = try parse("", env: ["VITALS_SMTP_HOST": "127.0.0.1", "VITALS_SMTP_PORT": "2525", "VITALS_SMTP_SECURITY": "none",
                                      "VITALS_MAIL_FROM": "v@example.com", "VITALS_SMTP_USER": "u", "VITALS_SMTP_PASSWORD": "p"])
        #expect(env.isConfigured && env.effectivePort == 2525 && env.security == .none && env.password == "p")
    }

    @Test func everyBadSettingIsListedTogether() {
        do {
            _ = try parse(
                """
                [email]
                host = "smtp.example.com"
                port = 70000
                security = "ssl"
                password = "oops"
                user = "vitals"
                digest_to = ["ana@example.com", "not an address"]
                alerts_to = 3
                public_url = "vitals.example.com"
                colour = "blue"
                """, env: ["VITALS_SMTP_PORT": "x"])
            Issue.record("accepted")
        } catch {
            #expect(error.problems == [
                "vitals.toml: [email] password: never write the password here; give password_file, or VITALS_SMTP_PASSWORD",
                "vitals.toml: [email] colour: unknown key (known: host, port, security, user, password_file, from, from_name, public_url, digest_to, alerts_to, report_to, verify_certificates, timeout_seconds)",
                "vitals.toml: [email] port: must be a whole number from 1 to 65535",
                "vitals.toml: [email] security: 'ssl' is not starttls, tls or none",
                "vitals.toml: [email] digest_to[1]: 'not an address' is not an email address",
                "vitals.toml: [email] alerts_to: must be a list of strings",
                "environment VITALS_SMTP_PORT: 'x' must be a port from 1 to 65535",
                "vitals.toml: [email] from: give the sender's address (or VITALS_MAIL_FROM) when host is set",
                "vitals.toml: [email] user is set but no password: give password_file, VITALS_SMTP_PASSWORD or VITALS_SMTP_PASSWORD_FILE",
                "vitals.toml: [email] public_url: 'vitals.example.com' must be an http:// or https:// address",
            ])
        }
    }

    @Test func theMainLoaderKnowsTheSection() throws {
        let path = NSTemporaryDirectory() + "vitals-\(UUID().uuidString).toml"
        try "[email]\nhost = \"smtp.example.com\"\nfrom = \"v@example.com\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        _ = try ConfigurationLoader.load(configFile: path, environment: [:], flags: .init())
    }
}
