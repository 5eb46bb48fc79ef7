/// A filter on account attributes that defines a segment, e.g. `industry in (Retail, Media) and csm=ana`.
///
/// Grammar: `clause (and clause)*`; a clause is `attribute = value`, `!=`, `<`, `>`, `<=`, `>=`, `in (v1, v2)` or
/// `not in (...)`. Values may be quoted with `'` or `"`. `<` and `>` compare numbers numerically and other text
/// (ISO dates included) in character order.
public struct SegmentFilter: Sendable, Equatable {
    public enum Comparison: String, Sendable, Equatable {
        case equal = "=", notEqual = "!=", less = "<", greater = ">", lessOrEqual = "<=", greaterOrEqual = ">="
        case oneOf = "in", noneOf = "not in"
    }

    public struct Clause: Sendable, Equatable {
        public var attribute: String
        public var comparison: Comparison
        public var values: [String]

        public init(attribute: String, comparison: Comparison, values: [String]) {
            self.attribute = attribute
            self.comparison = comparison
            self.values = values
        }
    }

    public var clauses: [Clause]
    /// The filter as written.
    public var text: String

    public init(clauses: [Clause], text: String) {
        self.clauses = clauses
        self.text = text
    }

    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public func matches(_ account: Account) -> Bool {
        matches { account.attribute($0) }
    }

    /// Whether `account` matches with `value` in place of its attribute `name` (a segment on an attribute that
    /// changes over time, the touch tier, is decided with the value as of each period's start: docs/metrics.md,
    /// segments).
    public func matches(_ account: Account, with value: String?, for name: String) -> Bool {
        matches { $0 == name ? value : account.attribute($0) }
    }

    /// Whether the filter names `attribute` in any clause.
    public func uses(_ attribute: String) -> Bool { clauses.contains { $0.attribute == attribute } }

    private func matches(attribute: (String) -> String?) -> Bool {
        clauses.allSatisfy { clause in
            let value = attribute(clause.attribute)
            switch clause.comparison {
            case .equal: return value == clause.values[0]
            case .notEqual: return value != clause.values[0]
            case .oneOf: return value.map(clause.values.contains) ?? false
            case .noneOf: return !(value.map(clause.values.contains) ?? false)
            case .less, .greater, .lessOrEqual, .greaterOrEqual:
                guard let value else { return false }
                let order: Int
                if let a = Double(value), let b = Double(clause.values[0]) {
                    order = a < b ? -1 : (a > b ? 1 : 0)
                } else {
                    order = value < clause.values[0] ? -1 : (value > clause.values[0] ? 1 : 0)
                }
                switch clause.comparison {
                case .less: return order < 0
                case .greater: return order > 0
                case .lessOrEqual: return order <= 0
                default: return order >= 0
                }
            }
        }
    }

    /// Parses a filter. `knownAttributes` lists the attributes that exist; any other name is an error.
    public static func parse(_ text: String, knownAttributes: Set<String>) throws(ParseError) -> SegmentFilter {
        var tokens = try tokenize(text)[...]
        var clauses: [Clause] = []
        func fail(_ message: String) -> ParseError { ParseError(message: "segment '\(text)': \(message)") }
        func describe(_ token: Token?) -> String { token.map { "'\($0.text)'" } ?? "the end" }

        while true {
            guard case .word(let attribute)? = tokens.popFirst() else {
                throw fail("expected an attribute name, found \(describe(tokens.first))")
            }
            guard knownAttributes.contains(attribute) else {
                throw fail("unknown attribute '\(attribute)' (known: \(knownAttributes.sorted().joined(separator: ", ")))")
            }
            let comparison: Comparison
            switch tokens.popFirst() {
            case .symbol(let op)?:
                guard let c = Comparison(rawValue: op) else { throw fail("unknown operator '\(op)'") }
                comparison = c
            case .word(let word)? where word.lowercased() == "in":
                comparison = .oneOf
            case .word(let word)? where word.lowercased() == "not":
                guard case .word(let next)? = tokens.popFirst(), next.lowercased() == "in" else {
                    throw fail("expected 'in' after 'not'")
                }
                comparison = .noneOf
            case let other:
                throw fail("expected an operator (=, !=, <, >, <=, >=, in, not in) after '\(attribute)', found \(describe(other))")
            }
            var values: [String] = []
            if comparison == .oneOf || comparison == .noneOf {
                guard case .symbol("(")? = tokens.popFirst() else { throw fail("expected '(' after '\(comparison.rawValue)'") }
                while true {
                    values.append(try value(&tokens, fail))
                    switch tokens.popFirst() {
                    case .symbol(",")?: continue
                    case .symbol(")")?: break
                    case let other: throw fail("expected ',' or ')' in the list, found \(describe(other))")
                    }
                    break
                }
            } else {
                values.append(try value(&tokens, fail))
            }
            clauses.append(Clause(attribute: attribute, comparison: comparison, values: values))
            guard let next = tokens.popFirst() else { break }
            guard case .word(let word) = next, word.lowercased() == "and" else {
                throw fail("expected 'and' between clauses, found '\(next.text)'")
            }
        }
        return SegmentFilter(clauses: clauses, text: text)
    }

    private enum Token: Equatable {
        case word(String), quoted(String), symbol(String)
        var text: String {
            switch self {
            case .word(let s), .quoted(let s), .symbol(let s): s
            }
        }
    }

    /// A value: a quoted string, or bare words up to `and`, `,`, `)` or the end (joined by single spaces).
    private static func value(_ tokens: inout ArraySlice<Token>, _ fail: (String) -> ParseError) throws(ParseError) -> String {
        if case .quoted(let s)? = tokens.first {
            tokens.removeFirst()
            return s
        }
        var words: [String] = []
        while case .word(let w)? = tokens.first, w.lowercased() != "and" {
            words.append(w)
            tokens.removeFirst()
        }
        guard !words.isEmpty else { throw fail("expected a value, found \(tokens.first.map { "'\($0.text)'" } ?? "the end")") }
        return words.joined(separator: " ")
    }

    private static func tokenize(_ text: String) throws(ParseError) -> [Token] {
        var tokens: [Token] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace {
                i += 1
            } else if c == "'" || c == "\"" {
                guard let close = chars[(i + 1)...].firstIndex(of: c) else {
                    throw ParseError(message: "segment '\(text)': unterminated quote at position \(i + 1)")
                }
                tokens.append(.quoted(String(chars[(i + 1)..<close])))
                i = close + 1
            } else if "(),".contains(c) {
                tokens.append(.symbol(String(c)))
                i += 1
            } else if "=!<>".contains(c) {
                var op = String(c)
                if i + 1 < chars.count, chars[i + 1] == "=" {
                    op.append("=")
                    i += 1
                }
                guard op != "!" else { throw ParseError(message: "segment '\(text)': bad token '!' at position \(i + 1)") }
                tokens.append(.symbol(op))
                i += 1
            } else {
                var j = i
                while j < chars.count, !chars[j].isWhitespace, !"(),=!<>'\"".contains(chars[j]) { j += 1 }
                tokens.append(.word(String(chars[i..<j])))
                i = j
            }
        }
        return tokens
    }
}

extension SegmentFilter {
    /// One clause's values that no account has (`=`, `!=`, `in`, `not in`), with the values the accounts do have.
    public struct UnknownValues: Sendable, Equatable {
        public var attribute: String
        public var unknown: [String]
        /// Every value of the attribute among the accounts, sorted.
        public var known: [String]
    }

    /// The values the clauses name that no account has: most often a typo, which would otherwise select nobody (or
    /// everybody, for `!=`) and print zeros without a word.
    public func unknownValues(in accounts: [Account]) -> [UnknownValues] {
        clauses.compactMap { clause in
            switch clause.comparison {
            case .equal, .notEqual, .oneOf, .noneOf: break
            case .less, .greater, .lessOrEqual, .greaterOrEqual: return nil
            }
            let known = Set(accounts.compactMap { $0.attribute(clause.attribute) })
            let unknown = clause.values.filter { !known.contains($0) }
            return unknown.isEmpty ? nil : UnknownValues(attribute: clause.attribute, unknown: unknown, known: known.sorted())
        }
    }

    /// `unknownValues` in words, one line each, for a warning: `industry: no account has 'Retial' (values: Media,
    /// Retail)`; at most `shown` known values are listed.
    public func unknownValuesWarning(in accounts: [Account], shown: Int = 12) -> [String] {
        unknownValues(in: accounts).map { u in
            let names = u.unknown.map { "'\($0)'" }.joined(separator: ", ")
            let listed = u.known.prefix(shown).joined(separator: ", ") + (u.known.count > shown ? ", ..." : "")
            return "\(u.attribute): no account has \(names)" + (u.known.isEmpty ? " (no account has a value)" : " (values: \(listed))")
        }
    }
}
