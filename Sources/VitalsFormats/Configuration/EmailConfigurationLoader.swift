import Foundation
import TOMLKit
import VitalsCore

/// How the connection to the SMTP server is protected.
public enum SMTPSecurity: String, Sendable, CaseIterable {
    /// Plain connection upgraded with STARTTLS before signing in (submission, port 587).
    case starttls
    /// TLS from the first byte (port 465).
    case tls
    /// No TLS: only for a relay on the same machine or a test server.
    case none

    /// The usual port of this kind of connection.
    public var defaultPort: Int {
        switch self {
        case .starttls: 587
        case .tls: 465
        case .none: 25
        }
    }
}

/// Who gets a kind of email: named addresses, or each account's CSM (the person whose CSM name is the account's
/// `csm`, docs/email.md).
public enum EmailRecipients: Sendable, Equatable, CustomStringConvertible {
    case csm
    case addresses([String])

    public var description: String {
        switch self {
        case .csm: "each account's CSM"
        case .addresses(let list): list.isEmpty ? "no one" : list.joined(separator: ", ")
        }
    }
}

/// The `[email]` settings (docs/email.md): the SMTP server, the sender, the base of links, and who gets which email.
/// Mail is sent only when `host` and `from` are set (`isConfigured`).
public struct EmailSettings: Sendable, Equatable {
    public var host: String?
    public var port: Int?
    public var security: SMTPSecurity = .starttls
    public var user: String?
    /// Read from `VITALS_SMTP_PASSWORD` or from the file `password_file` / `VITALS_SMTP_PASSWORD_FILE` names.
    public var password: String?
    public var passwordFile: String?
    public var from: String?
    public var fromName = "Vitals"
    /// The base of links in emails, e.g. `https://vitals.example.com` (default: the address `vitals serve` listens on).
    public var publicURL: String?
    public var digestTo: [String] = []
    public var alertsTo: EmailRecipients = .csm
    public var reportTo: EmailRecipients = .addresses([])
    /// Whether the server's TLS certificate is checked; only a test server's may be taken unchecked.
    public var verifyCertificates = true
    /// Seconds each SMTP step may take.
    public var timeoutSeconds = 30

    public init() {}

    /// Whether mail can be sent.
    public var isConfigured: Bool { host != nil && from != nil }
    /// The port in use: the one set, else the security's usual one.
    public var effectivePort: Int { port ?? security.defaultPort }
}

/// Reads `[email]` of `vitals.toml` and the `VITALS_SMTP_*`, `VITALS_MAIL_FROM` and `VITALS_PUBLIC_URL` variables (the
/// environment wins), listing every problem at once.
public enum EmailConfigurationLoader {
    public static let section = "email"
    static let keys = [
        "host", "port", "security", "user", "password_file", "from", "from_name", "public_url", "digest_to", "alerts_to",
        "report_to", "verify_certificates", "timeout_seconds",
    ]

    public static func load(configFile: String?, environment: [String: String]) throws(ConfigurationError) -> EmailSettings {
        var table = TOMLTable()
        var source = "environment"
        if let configFile, FileManager.default.fileExists(atPath: configFile) {
            guard let text = try? String(contentsOfFile: configFile, encoding: .utf8) else {
                throw ConfigurationError(problems: ["\(configFile): cannot be read as UTF-8 text"])
            }
            do { table = try TOMLTable(string: text) } catch let error as TOMLParseError {
                throw ConfigurationError(problems: ["\(configFile): line \(error.source.begin.line): \(error.description)"])
            } catch {
                throw ConfigurationError(problems: ["\(configFile): \(error)"])
            }
            source = configFile
        }
        return try parse(table, source: source, environment: environment)
    }

    /// The settings of `root`'s `[email]` with the environment over them.
    public static func parse(_ root: TOMLTable, source: String, environment: [String: String]) throws(ConfigurationError) -> EmailSettings {
        var r = TOMLReader(source: source)
        var settings = EmailSettings()
        let at = "[email]"
        if let email = r.table(root, section) {
            if email["password"] != nil {
                r.problem("\(at) password: never write the password here; give password_file, or VITALS_SMTP_PASSWORD")
            }
            for key in email.keys where !keys.contains(key) && key != "password" {
                r.problem("\(at) \(key): unknown key (known: \(keys.joined(separator: ", ")))")
            }
            settings.host = r.string(email, "host", at)
            settings.port = r.int(email, "port", at, range: 1...65535)
            if let text = r.string(email, "security", at) { security(text, "\(at) security", &settings, &r) }
            settings.user = r.string(email, "user", at)
            settings.passwordFile = r.string(email, "password_file", at)
            settings.from = r.string(email, "from", at)
            settings.fromName = r.string(email, "from_name", at) ?? settings.fromName
            settings.publicURL = r.string(email, "public_url", at)
            if let list = r.strings(email, "digest_to", at) { settings.digestTo = addresses(list, "\(at) digest_to", &r) }
            settings.alertsTo = recipients(email, "alerts_to", at, &r) ?? settings.alertsTo
            settings.reportTo = recipients(email, "report_to", at, &r) ?? settings.reportTo
            if let value = email["verify_certificates"] {
                if let b = value.bool { settings.verifyCertificates = b } else { r.problem("\(at) verify_certificates: must be true or false") }
            }
            settings.timeoutSeconds = r.int(email, "timeout_seconds", at, range: 1...600) ?? settings.timeoutSeconds
        }
        func env(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let host = env("VITALS_SMTP_HOST") { settings.host = host }
        if let port = env("VITALS_SMTP_PORT") {
            if let p = Int(port), (1...65535).contains(p) { settings.port = p } else {
                r.problems.append("environment VITALS_SMTP_PORT: '\(port)' must be a port from 1 to 65535")
            }
        }
        if let text = env("VITALS_SMTP_SECURITY") { security(text, "environment VITALS_SMTP_SECURITY", &settings, &r, prefixed: false) }
        if let user = env("VITALS_SMTP_USER") { settings.user = user }
        if let file = env("VITALS_SMTP_PASSWORD_FILE") { settings.passwordFile = file }
        if let from = env("VITALS_MAIL_FROM") { settings.from = from }
        if let url = env("VITALS_PUBLIC_URL") { settings.publicURL = url }
        if let password = env("VITALS_SMTP_PASSWORD") {
            settings.password = password
        } else if let file = settings.passwordFile {
            if let text = try? String(contentsOfFile: file, encoding: .utf8) {
                settings.password = text.trimmingCharacters(in: .newlines)
            } else {
                r.problems.append("\(source): [email] password_file: \(file) cannot be read")
            }
        }
        if let host = settings.host, host.isEmpty || host.contains(where: { $0.isWhitespace || $0 == "/" }) {
            r.problems.append("\(source): [email] host: '\(host)' is not a host name")
        }
        if let from = settings.from, EmailAddress.normalized(from) == nil {
            r.problems.append("\(source): [email] from: '\(from)' is not an email address")
        }
        if settings.fromName.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) {
            r.problems.append("\(source): [email] from_name: must be one line")
        }
        if settings.host != nil, settings.from == nil {
            r.problems.append("\(source): [email] from: give the sender's address (or VITALS_MAIL_FROM) when host is set")
        }
        if settings.user != nil, settings.password == nil {
            r.problems.append("\(source): [email] user is set but no password: give password_file, VITALS_SMTP_PASSWORD or VITALS_SMTP_PASSWORD_FILE")
        }
        if let url = settings.publicURL {
            let trimmed = url.hasSuffix("/") ? String(url.dropLast()) : url
            if !(trimmed.hasPrefix("http://") || trimmed.hasPrefix("https://")) || trimmed.contains(where: { $0.isWhitespace }) {
                r.problems.append("\(source): [email] public_url: '\(url)' must be an http:// or https:// address")
            }
            settings.publicURL = trimmed
        }
        if !r.problems.isEmpty { throw ConfigurationError(problems: r.problems) }
        return settings
    }

    private static func security(
        _ text: String, _ at: String, _ settings: inout EmailSettings, _ r: inout TOMLReader, prefixed: Bool = true
    ) {
        if let s = SMTPSecurity(rawValue: text.lowercased()) {
            settings.security = s
        } else {
            let problem = "\(at): '\(text)' is not starttls, tls or none"
            if prefixed { r.problem(problem) } else { r.problems.append(problem) }
        }
    }

    private static func addresses(_ list: [String], _ at: String, _ r: inout TOMLReader) -> [String] {
        var out: [String] = []
        for (i, text) in list.enumerated() {
            if let address = EmailAddress.normalized(text) { out.append(address) } else {
                r.problem("\(at)[\(i)]: '\(text)' is not an email address")
            }
        }
        return out
    }

    private static func recipients(_ table: TOMLTable, _ key: String, _ at: String, _ r: inout TOMLReader) -> EmailRecipients? {
        guard let value = table[key] else { return nil }
        if value.string == "csm" { return .csm }
        guard let list = r.strings(table, key, at) else { return nil }
        return .addresses(addresses(list, "\(at) \(key)", &r))
    }
}
