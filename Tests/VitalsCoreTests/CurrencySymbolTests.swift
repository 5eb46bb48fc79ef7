import Testing
import VitalsCore

/// Amounts are written after their currency's symbol (CLDR `en`), the sign first; a currency without a symbol is
/// written by its code and a space.
@Suite struct CurrencySymbolTests {
    @Test func amountsFollowTheirSymbol() throws {
        #expect(CurrencyCode.usd.written("764,653") == "$764,653")
        #expect(CurrencyCode.usd.written("-1,416.47") == "-$1,416.47")
        #expect(try #require(CurrencyCode("EUR")).written("12.00") == "€12.00")
        #expect(try #require(CurrencyCode("JPY")).written("1,000") == "¥1,000")
        #expect(try #require(CurrencyCode("CAD")).written("5.00") == "CA$5.00")
        #expect(try #require(CurrencyCode("CHF")).written("-3.50") == "-CHF 3.50")
        #expect(try #require(CurrencyCode("SEK")).symbol == "SEK")
    }
}
