import Testing
import VitalsCore
import VitalsFormats

@Suite struct MailMessageTests {
    // 2026-12-08 is a Tuesday; 02:04:05 is 2 * 3600 + 4 * 60 + 5 = 7445 seconds into it.
    let date = Timestamp(year: 2026, month: 12, day: 8).adding(seconds: 7445)

    func message(subject: String = "Weekly digest", unsubscribe: String? = "https://vitals.example.com/unsubscribe/abc.def")
        -> MailMessage
    {
        MailMessage(
            fromAddress: "vitals@example.com", fromName: "Vitals", to: "ana@example.com", toName: "Ana", subject: subject,
            text: "MRR: $12,000\nChurn = 2 %", html: "<p>MRR: $12,000</p>", date: date, messageID: "email-7@example.com",
            unsubscribe: unsubscribe, boundary: "=_vitals_7")
    }

    @Test func theWholeMessageAsWrittenByHand() throws {
        let expected = [
            "From: \"Vitals\" <vitals@example.com>",
            "To: \"Ana\" <ana@example.com>",
            "Subject: Weekly digest",
            "Date: Tue, 08 Dec 2026 02:04:05 +0000",
            "Message-ID: <email-7@example.com>",
            "MIME-Version: 1.0",
            "List-Unsubscribe: <https://vitals.example.com/unsubscribe/abc.def>",
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
            "Content-Type: multipart/alternative; boundary=\"=_vitals_7\"",
            "",
            "--=_vitals_7",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            "MRR: $12,000",
            // "=" is =3D in quoted-printable.
            "Churn =3D 2 %",
            "--=_vitals_7",
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            "<p>MRR: $12,000</p>",
            "--=_vitals_7--",
        ].joined(separator: "\r\n") + "\r\n"
        #expect(try message().rendered() == expected)
    }

    @Test func withoutALinkThereIsNoListUnsubscribe() throws {
        let text = try message(unsubscribe: nil).rendered()
        #expect(!text.contains("List-Unsubscribe"))
    }

    @Test func aSubjectThatIsNotASCIIIsAnEncodedWord() throws {
        let text = try message(subject: "Grüße aus Köln").rendered()
        // base64 of the UTF-8 bytes of "Grüße aus Köln" (47 72 C3 BC C3 9F 65 20 61 75 73 20 4B C3 B6 6C 6E).
        #expect(text.contains("\r\nSubject: =?utf-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=\r\n"))
        var named = message()
        named.toName = "Zoë"
        #expect(try named.rendered().contains("\r\nTo: =?utf-8?B?Wm/Dqw==?= <ana@example.com>\r\n"))
    }

    @Test func aLongSubjectIsFoldedIntoShortWords() throws {
        // 40 "é" are 80 bytes: words of 36 bytes (18 characters), 36 and 8: three lines.
        let subject = String(repeating: "é", count: 40)
        let text = try message(subject: subject).rendered()
        let header = Array(text.components(separatedBy: "\r\n").drop { !$0.hasPrefix("Subject:") }.prefix(4))
        #expect(header[1].hasPrefix(" =?utf-8?B?") && header[2].hasPrefix(" =?utf-8?B?"))
        #expect(header[3].hasPrefix("Date:"))
        // 36 bytes are 48 base64 characters: "Subject: " (9) + "=?utf-8?B?" (10) + 48 + "?=" (2) = 69.
        #expect(header[0].count == 69)
        for line in header { #expect(line.count <= 78) }
    }

    @Test func lineBreaksInAHeaderAreRefused() {
        #expect(throws: MailMessage.Refused(header: "Subject")) { try message(subject: "Hi\r\nBcc: eve@example.com").rendered() }
        var to = message()
        to.to = "ana@example.com\nBcc: eve@example.com"
        #expect(throws: MailMessage.Refused(header: "To")) { try to.rendered() }
        var name = message()
        name.fromName = "Vitals\r\nX-Evil: 1"
        #expect(throws: MailMessage.Refused(header: "From")) { try name.rendered() }
    }

    @Test func longAndNonASCIILinesAreQuotedPrintable() throws {
        var long = message()
        long.text = String(repeating: "a", count: 100) + " \n" + "ü"
        let text = try long.rendered()
        // 75 "a" then a soft break "=", the other 25 "a", the trailing space as =20; "ü" is C3 BC.
        #expect(text.contains("\r\n" + String(repeating: "a", count: 75) + "=\r\n" + String(repeating: "a", count: 25) + "=20\r\n=C3=BC\r\n"))
        for line in text.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 998) }
    }
}
