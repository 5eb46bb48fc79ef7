/// An ISO 4217 alphabetic currency code, such as `USD`.
public struct CurrencyCode: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let code: String
    /// How many decimal places the currency's minor unit has (2 for USD, 0 for JPY, 3 for KWD): looked up once, when
    /// the code is read, as money is parsed and converted by the million.
    public let minorUnitExponent: Int

    /// Accepts a known ISO 4217 code (case-insensitive); `nil` otherwise.
    public init?(_ text: String) {
        let upper = text.uppercased()
        guard let exponent = CurrencyCode.minorUnits[upper] else { return nil }
        code = upper
        minorUnitExponent = exponent
    }

    public var description: String { code }
    public static func < (lhs: CurrencyCode, rhs: CurrencyCode) -> Bool { lhs.code < rhs.code }

    public static let usd = CurrencyCode("USD")!
    public static let eur = CurrencyCode("EUR")!
    public static let gbp = CurrencyCode("GBP")!
    /// Every active ISO 4217 code, alphabetically (the choices of the reporting currency in the dashboard).
    public static let all: [CurrencyCode] = minorUnits.keys.sorted().compactMap(CurrencyCode.init)

    /// The active ISO 4217 codes with their minor-unit exponents (ISO 4217 amendment 176 list).
    static let minorUnits: [String: Int] = {
        var table: [String: Int] = [:]
        let two = """
            AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF \
            CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ \
            GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK \
            MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB \
            SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD \
            USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL
            """
        for code in two.split(separator: " ") { table[String(code)] = 2 }
        for code in "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split(separator: " ") {
            table[String(code)] = 0
        }
        for code in "BHD IQD JOD KWD LYD OMR TND".split(separator: " ") { table[String(code)] = 3 }
        for code in "CLF UYW".split(separator: " ") { table[String(code)] = 4 }
        return table
    }()
}

extension CurrencyCode {
    /// The symbol English-language finance tools write before amounts (Unicode CLDR, locale `en`): `$` for USD,
    /// `€`, `£`, `¥` (JPY), `CA$`, `A$`...; the code itself (then followed by a space) for currencies without one.
    public var symbol: String { Self.symbols[code] ?? code }

    /// Writes `amount` (already formatted: grouped digits, a leading minus if negative) after its symbol, the sign
    /// first: `-$1,416.47`, `€12.00`, `CHF 3.50`.
    public func written(_ amount: String) -> String {
        let negative = amount.hasPrefix("-")
        let digits = negative ? String(amount.dropFirst()) : amount
        let symbol = self.symbol
        let spaced = symbol == code ? symbol + " " : symbol
        return (negative ? "-" : "") + spaced + digits
    }

    static let symbols: [String: String] = [
        "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "CN¥", "INR": "₹", "KRW": "₩", "CAD": "CA$", "AUD": "A$",
        "NZD": "NZ$", "HKD": "HK$", "MXN": "MX$", "BRL": "R$", "TWD": "NT$", "ILS": "₪", "VND": "₫", "PHP": "₱",
        "XAF": "FCFA", "XOF": "F\u{202F}CFA", "XCD": "EC$", "XPF": "CFPF",
    ]
}
