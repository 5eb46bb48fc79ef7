import Testing
import VitalsCore
import VitalsFormats

@Suite struct SignedLinkTests {
    let key = String(repeating: "k", count: 64)
    let now = Timestamp(year: 2026, month: 12, day: 1)

    @Test func aTokenOpensWithItsKeyUntilItExpires() throws {
        let token = SignedLink.make(["invite", "acme|eu", "50%"], expires: now.adding(days: 30), key: key)
        #expect(try SignedLink.open(token, key: key, now: now).get() == ["invite", "acme|eu", "50%"])
        #expect(try SignedLink.open(token, key: key, now: now.adding(days: 30).adding(seconds: -1)).get().count == 3)
        #expect(SignedLink.open(token, key: key, now: now.adding(days: 30)) == .failure(.expired(now.adding(days: 30))))
        // URL-safe: no character that needs escaping in a path.
        #expect(token.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) })
    }

    @Test func anyChangeOrAnotherKeyIsRefused() {
        let token = SignedLink.make(["invite", "7"], expires: now.adding(days: 1), key: key)
        #expect(SignedLink.open(token, key: String(repeating: "x", count: 64), now: now) == .failure(.forged))
        // The payload of a token for invitation 8, with the signature of the one for 7.
        let other = SignedLink.make(["invite", "8"], expires: now.adding(days: 1), key: key)
        let spliced = String(other.split(separator: ".")[0]) + "." + String(token.split(separator: ".")[1])
        #expect(SignedLink.open(spliced, key: key, now: now) == .failure(.forged))
        for bad in ["", ".", "abc", "a.b.c", "!!.!!", String(repeating: "a", count: 5000) + ".b"] {
            #expect(SignedLink.open(bad, key: key, now: now) == .failure(.forged))
        }
    }

    @Test func addressesAreCheckedAndLowerCased() {
        #expect(EmailAddress.normalized("  Ana.Lima@Example.COM ") == "ana.lima@example.com")
        for bad in ["ana", "ana@", "@example.com", "ana@example", "a b@example.com", "ana@@example.com", "ana@example..com", "<a@b.co>", "a\u{0}@b.co"] {
            #expect(EmailAddress.normalized(bad) == nil, "\(bad)")
        }
    }
}
