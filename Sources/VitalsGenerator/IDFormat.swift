import VitalsCore

/// Fast formatting of zero-padded record ids such as `acc_000042`, without Foundation.
///
/// Ids of up to 15 bytes become small strings, which Swift stores inline without a heap allocation.
struct IDFormat {
    private let prefix: [UInt8]
    private let width: Int

    /// A format writing `prefix` and then the number zero-padded to at least `width` digits.
    init(_ prefix: String, width: Int) {
        self.prefix = Array(prefix.utf8)
        self.width = width
    }

    /// The id of number `n` (non-negative).
    func callAsFunction(_ n: Int) -> String { IDFormat.format(prefix: prefix, number: n, width: width) }

    /// `prefix` followed by `number` zero-padded to `width` digits (more when the number needs them).
    static func format(prefix: [UInt8], number: Int, width: Int) -> String {
        var digits = 0
        var rest = number
        repeat {
            digits += 1
            rest /= 10
        } while rest > 0
        let total = max(digits, width)
        var bytes = prefix
        bytes.reserveCapacity(prefix.count + total)
        for _ in 0..<total { bytes.append(48) }
        rest = number
        var position = bytes.count - 1
        for _ in 0..<total {
            bytes[position] = UInt8(truncatingIfNeeded: 48 + rest % 10)
            rest /= 10
            position -= 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The ids `prefix000001`, `prefix000002`, ... in order, kept as text and incremented in place (no division).
struct SequentialID {
    private var bytes: [UInt8]
    private let digitsStart: Int

    /// A sequence whose first id is `prefix` followed by 1 zero-padded to `width` digits.
    init(_ prefix: String, width: Int) {
        bytes = Array(prefix.utf8)
        digitsStart = bytes.count
        bytes.append(contentsOf: repeatElement(48, count: max(1, width)))
        bytes[bytes.count - 1] = 49
    }

    /// The next id of the sequence.
    @inline(__always)
    mutating func next() -> String {
        let id = String(decoding: bytes, as: UTF8.self)
        increment()
        return id
    }

    private mutating func increment() {
        var i = bytes.count - 1
        while i >= digitsStart {
            if bytes[i] < 57 {
                bytes[i] += 1
                return
            }
            bytes[i] = 48
            i -= 1
        }
        bytes.insert(49, at: digitsStart)
    }
}

/// The ids of the users of one account: `u_<account id>_<n>`.
struct UserIDs {
    private(set) var ids: [UserID] = []

    /// Rebuilds the list for an account with `count` users (reusing the storage).
    mutating func reset(accountID: String, count: Int) {
        ids.removeAll(keepingCapacity: true)
        let prefix = Array(("u_" + accountID + "_").utf8)
        for n in 1...max(1, count) {
            ids.append(UserID(IDFormat.format(prefix: prefix, number: n, width: 1)))
        }
    }
}
