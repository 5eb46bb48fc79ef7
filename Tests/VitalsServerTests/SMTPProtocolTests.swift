import Testing
import VitalsApp

@Suite struct SMTPProtocolTests {
    @Test func aMultiLineReplyEndsAtItsLineWithASpace() throws {
        var reader = SMTPProtocol.ReplyReader()
        #expect(try reader.take("250-smtp.example.com hello") == nil)
        #expect(try reader.take("250-AUTH LOGIN PLAIN") == nil)
        #expect(try reader.take("250-STARTTLS") == nil)
        let reply = try #require(try reader.take("250 8BITMIME"))
        #expect(reply == SMTPReply(code: 250, lines: ["smtp.example.com hello", "AUTH LOGIN PLAIN", "STARTTLS", "8BITMIME"]))
        #expect(SMTPProtocol.authMechanisms(reply) == ["LOGIN", "PLAIN"])
        #expect(SMTPProtocol.offers(reply, "STARTTLS") && !SMTPProtocol.offers(reply, "SMTPUTF8"))
        // The reader starts afresh after a reply.
        #expect(try reader.take("221 bye") == SMTPReply(code: 221, lines: ["bye"]))
    }

    @Test func aLineThatIsNotAReplyIsAnError() {
        var reader = SMTPProtocol.ReplyReader()
        #expect(throws: SMTPError.self) { try reader.take("hello") }
        var mixed = SMTPProtocol.ReplyReader()
        #expect(throws: SMTPError.self) {
            _ = try mixed.take("250-first")
            _ = try mixed.take("550 second")
        }
    }

    @Test func replyCodesDecideWhetherToTryAgain() {
        #expect(SMTPError(step: "RCPT TO", reply: SMTPReply(code: 550, lines: ["no"])).permanent)
        #expect(!SMTPError(step: "RCPT TO", reply: SMTPReply(code: 451, lines: ["later"])).permanent)
        #expect(SMTPError(step: "DATA", reply: SMTPReply(code: 554, lines: ["spam"])).description == "SMTP DATA: the server answered 554 spam")
    }

    @Test func dataIsDotStuffedAndEndsWithALoneDot() {
        #expect(SMTPProtocol.dataBlock("Subject: x\r\n\r\n.hidden\r\nok\r\n.\r\n") == "Subject: x\r\n\r\n..hidden\r\nok\r\n..\r\n.\r\n")
    }

    @Test func plainCredentialsAreNulUserNulPasswordInBase64() {
        // base64 of the bytes 00 'a' 'n' 'a' 00 'p' 'w'.
        #expect(SMTPProtocol.plainCredentials(user: "ana", password: "pw") == "AGFuYQBwdw==")
    }
}
