import Testing

@testable import VitalsCore

/// `StringInterner` against a plain dictionary: the same index for every `(tag, text)` pair, in order of first
/// appearance, whichever way it found it (the run of the greatest tag without a table, or the table).
@Suite struct StringInternerTests {
    /// Interns `pairs` one by one and checks each index against a dictionary, then looks every pair up with `find`.
    func check(_ pairs: [(String, Int32)], into interner: inout StringInterner, reference: inout [String: Int32]) {
        for (text, tag) in pairs {
            let key = "\(tag)|\(text)"
            let expected = reference[key] ?? Int32(reference.count)
            reference[key] = expected
            #expect(interner.index(of: text, tag: tag) == expected, "\(text) tagged \(tag)")
        }
        #expect(interner.count == reference.count)
        for (text, tag) in pairs {
            var bytes = text
            let found = bytes.withUTF8 { interner.find($0, tag: tag) }
            #expect(found == reference["\(tag)|\(text)"])
        }
    }

    @Test func usersReadAccountByAccountKeepTheirFirstIndex() {
        // Account 1's users, then account 2's (one repeated after another), then account 2 again, then 3.
        let pairs: [(String, Int32)] = [
            ("u1", 1), ("u2", 1), ("u1", 1), ("u1", 2), ("u3", 2), ("u1", 2), ("u3", 2), ("u4", 3), ("u1", 3),
        ]
        var interner = StringInterner()
        var reference: [String: Int32] = [:]
        check(pairs, into: &interner, reference: &reference)
        #expect(interner.texts == ["u1", "u2", "u1", "u3", "u4", "u1"])
        #expect(interner.tags == [1, 1, 2, 2, 3, 3])
    }

    @Test func aTagBelowTheGreatestFindsThePairsBeforeIt() {
        // Ascending at first, then back to account 1: its users must keep their indices, and a new one is appended.
        let pairs: [(String, Int32)] = [("a", 1), ("b", 1), ("a", 2), ("b", 1), ("c", 1), ("a", 2), ("a", 1)]
        var interner = StringInterner()
        var reference: [String: Int32] = [:]
        check(pairs, into: &interner, reference: &reference)
        #expect(interner.index(of: "b", tag: 1) == 1)
        #expect(interner.index(of: "c", tag: 1) == 3)
    }

    @Test func aLongRunOfOneTagStaysExact() {
        // 200 distinct texts with tag 0 (longer than the run searched without a table), each seen twice, some
        // longer than 15 bytes (keyed by hash in the table).
        let texts = (0..<200).map { $0 % 3 == 0 ? "a-long-account-identifier-\($0)" : "acc_\($0)" }
        let pairs = (texts + texts.reversed()).map { ($0, Int32(0)) }
        var interner = StringInterner(expected: 16)
        var reference: [String: Int32] = [:]
        check(pairs, into: &interner, reference: &reference)
        #expect(interner.count == 200)
    }

    @Test func aRandomMixMatchesADictionary() {
        var generator = SplitMix64(state: 7)  // the same mix on every run
        var interner = StringInterner()
        var reference: [String: Int32] = [:]
        var pairs: [(String, Int32)] = []
        var tag: Int32 = 0
        for _ in 0..<5_000 {
            // Mostly forward through the tags, now and then back.
            switch generator.next() % 10 {
            case 0: tag += 1
            case 1: tag = Int32(generator.next() % UInt64(tag + 1))
            default: break
            }
            pairs.append(("user-\(generator.next() % 12)", tag))
        }
        check(pairs, into: &interner, reference: &reference)
    }

    @Test func aHintedFindGivesWhatFindGives() {
        var interner = StringInterner()
        let texts = (0..<100).map { "acc_\(1_000 + $0)" } + ["an-account-id-longer-than-fifteen-bytes"]
        for text in texts { _ = interner.index(of: text) }
        _ = interner.index(of: "acc_1000", tag: 5)  // the same text with another tag: index 101
        func find(_ text: String, tag: Int32 = 0, hint: Int32) -> Int32? {
            var text = text
            return text.withUTF8 { interner.find($0, tag: tag, hint: hint) }
        }
        #expect(find("acc_1042", hint: 42) == 42)  // the hint is right
        #expect(find("acc_1042", hint: 43) == 42)  // wrong: the table answers
        #expect(find("acc_1042", hint: -1) == 42)
        #expect(find("acc_1042", hint: 500) == 42)  // past the end
        #expect(find("an-account-id-longer-than-fifteen-bytes", hint: 100) == 100)
        #expect(find("an-account-id-longer-than-fifteen-bytes!", hint: 100) == nil)
        #expect(find("acc_1000", hint: 0) == 0)
        #expect(find("acc_1000", tag: 5, hint: 0) == 101)  // same text, other tag: not the hint's
        #expect(find("acc_9999", hint: 99) == nil)
    }

    @Test func anInternerGivenItsTextsLooksThemUpWhateverTheirOrder() {
        for tags in [[1, 1, 2, 3] as [Int32], [3, 1, 2, 1]] {
            var interner = StringInterner(texts: ["a", "b", "a", "c"], tags: tags)
            var reference: [String: Int32] = [:]
            for (k, (text, tag)) in zip(["a", "b", "a", "c"], tags).enumerated() { reference["\(tag)|\(text)"] = Int32(k) }
            // The given pairs again, and new ones: with the same tag as the last, a greater one, a smaller one.
            let pairs = zip(["a", "b", "a", "c"], tags).map { ($0, $1) } + [("a", tags[3]), ("d", 9), ("b", 0)]
            check(pairs, into: &interner, reference: &reference)
        }
    }
}
