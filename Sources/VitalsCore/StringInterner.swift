/// Gives each distinct `(tag, text)` pair a dense index `0, 1, 2, ...` in order of first appearance.
///
/// Turns the usage events' user ids (tagged with their account) and event names into `Int32` columns as they load,
/// so that the KPI loops never hash a string, and looks account ids up from raw CSV bytes. Texts are compared **byte for byte** (UTF-8), as ids
/// are opaque: two spellings that Swift's `String ==` would call canonically equivalent are distinct ids here, as
/// they are in a database.
///
/// Faster than `[String: Int32]` because a text of up to 15 bytes is its own key (two machine words, compared
/// exactly, with no hashing of the string and no second memory access); longer texts are keyed by a 112-bit hash and
/// then compared with the stored text.
public struct StringInterner: Sendable {
    private struct Slot {
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        var tag: Int32 = 0
        var value: Int32 = -1
    }

    /// The lookup table, empty until first needed (`indexIfNeeded`).
    private var slots: [Slot] = []
    private var mask = -1
    /// The interned texts and their tags, by index.
    public private(set) var texts: [String] = []
    public private(set) var tags: [Int32] = []
    /// While there is no table and the tags have never decreased: where the run of pairs with the greatest tag
    /// starts. A new pair with a greater tag is then new, and one with the same tag is looked for in that run alone,
    /// so users read account by account (as exports list them) are interned without hashing, and without a table
    /// at all unless one is looked up out of order.
    private var lastRun: Int? = 0
    /// The longest run searched without a table (an account's users; 40 at most on the benchmark).
    private static let runSearched = 64

    public var count: Int { texts.count }

    /// An empty interner; `expected` is how many texts it will about hold.
    public init(expected: Int = 8) {
        texts.reserveCapacity(min(expected, 1 << 16))
        tags.reserveCapacity(min(expected, 1 << 16))
    }

    /// An interner that already holds `texts` with their `tags`, by index (as `texts` and `tags` gave them), whose
    /// lookup table is built only when first needed: a store loads 450,000 users for a report that never looks one
    /// up. The pairs are taken to be distinct; a repeated pair keeps its first index.
    public init(texts: [String], tags: [Int32]) {
        precondition(texts.count == tags.count, "a tag for each text")
        self.texts = texts
        self.tags = tags
        let ascending = zip(tags, tags.dropFirst()).allSatisfy { $0 <= $1 }
        lastRun = ascending ? (tags.lastIndex { $0 != tags.last } ?? -1) + 1 : nil
    }

    /// Builds the lookup table, if not built yet.
    private mutating func indexIfNeeded() {
        guard slots.isEmpty else { return }
        lastRun = nil
        var size = 16
        while size < texts.count * 2 + 2 { size <<= 1 }
        slots = [Slot](repeating: Slot(), count: size)
        mask = size - 1
        for k in texts.indices {
            var text = texts[k]
            text.withUTF8 { bytes in
                let (found, slot, key) = probe(bytes, tag: tags[k])
                if found == nil { slots[slot] = Slot(w0: key.0, w1: key.1, tag: tags[k], value: Int32(k)) }
            }
        }
    }

    /// Without a table, with the tags in order so far: the index of `(tag, bytes)`, appended if new; `nil` when the
    /// table is needed (`tag` below the greatest, or its run too long to search).
    @inline(__always)
    private mutating func indexInOrder(_ bytes: UnsafeBufferPointer<UInt8>, tag: Int32) -> Int32? {
        guard let run = lastRun else { return nil }
        if let last = tags.last {
            guard tag >= last else { return nil }
            if tag == last {
                guard texts.count - run < Self.runSearched else { return nil }
                for k in run..<texts.count where Self.sameBytes(texts[k], bytes) { return Int32(k) }
            } else {
                lastRun = texts.count
            }
        }
        texts.append(String(decoding: bytes, as: UTF8.self))
        tags.append(tag)
        return Int32(texts.count - 1)
    }

    /// The index of `(tag, text)`, assigning the next one if it is new.
    public mutating func index(of text: String, tag: Int32 = 0) -> Int32 {
        var text = text
        return text.withUTF8 { index(of: $0, tag: tag) }
    }

    /// The index of `(tag, bytes)` (UTF-8), assigning the next one if it is new; a `String` is made only then.
    package mutating func index(of bytes: UnsafeBufferPointer<UInt8>, tag: Int32 = 0) -> Int32 {
        if slots.isEmpty, let index = indexInOrder(bytes, tag: tag) { return index }
        indexIfNeeded()
        let (found, slot, key) = probe(bytes, tag: tag)
        if let found { return found }
        let value = Int32(texts.count)
        slots[slot] = Slot(w0: key.0, w1: key.1, tag: tag, value: value)
        texts.append(String(decoding: bytes, as: UTF8.self))
        tags.append(tag)
        if texts.count * 2 > slots.count { grow() }
        return value
    }

    /// The index of `(tag, bytes)` if it was interned, else `nil`.
    package func find(_ bytes: UnsafeBufferPointer<UInt8>, tag: Int32 = 0) -> Int32? {
        guard !slots.isEmpty else {
            if texts.count <= Self.runSearched {
                return texts.indices.first { tags[$0] == tag && Self.sameBytes(texts[$0], bytes) }.map(Int32.init)
            }
            // Not indexed yet, and this cannot keep a table: a one-off one.
            var indexed = self
            indexed.indexIfNeeded()
            return indexed.find(bytes, tag: tag)
        }
        return probe(bytes, tag: tag).found
    }


    /// `find`, trying index `hint` first: a reader of a file that lists accounts in the order of accounts.csv finds
    /// the next one there, with no hashing and no probe of a large table. (The pairs are distinct, as `index(of:)`
    /// keeps them, so the hint's index is the one `find` gives.)
    package func find(_ bytes: UnsafeBufferPointer<UInt8>, tag: Int32 = 0, hint: Int32) -> Int32? {
        let k = Int(hint)
        if k >= 0 && k < texts.count && tags[k] == tag && StringInterner.sameBytes(texts[k], bytes) { return hint }
        return find(bytes, tag: tag)
    }

    /// Looks for the bytes: their index if present, else the free slot where they would go.
    @inline(__always)
    private func probe(_ bytes: UnsafeBufferPointer<UInt8>, tag: Int32) -> (found: Int32?, slot: Int, key: (UInt64, UInt64)) {
        let key = StringInterner.key(bytes)
        let isLong = key.1 >> 56 == 0xFF
        var i = StringInterner.mix(key.0, key.1, tag) & mask
        while true {
            let slot = slots[i]
            if slot.value < 0 { return (nil, i, key) }
            if slot.w0 == key.0 && slot.w1 == key.1 && slot.tag == tag
                && (!isLong || StringInterner.sameBytes(texts[Int(slot.value)], bytes))
            {
                return (slot.value, i, key)
            }
            i = (i + 1) & mask
        }
    }

    /// A 64-bit hash of the bytes (for sets of byte strings kept elsewhere).
    package static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let key = key(bytes)
        return finalize((key.0 &* 0x9E37_79B9_7F4A_7C15) ^ key.1)
    }

    /// Two words that identify the bytes: the bytes themselves and their length for up to 15 bytes (the top byte of
    /// `w1` is the length, 0...15), else two hashes with the top byte 0xFF.
    private static func key(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        let n = bytes.count
        if n <= 15 {
            return (smallWords(bytes), n > 8 ? tailWord(bytes) | UInt64(n) << 56 : UInt64(n) << 56)
        }
        var h0: UInt64 = 0x243F_6A88_85A3_08D3
        var h1: UInt64 = 0x1319_8A2E_0370_7344 ^ UInt64(n)
        let raw = UnsafeRawBufferPointer(bytes)
        var offset = 0
        while offset + 8 <= n {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            h0 = (h0 ^ word) &* 0x9E37_79B9_7F4A_7C15
            h0 ^= h0 >> 29
            h1 = (h1 ^ word) &* 0xC2B2_AE3D_27D4_EB4F
            h1 ^= h1 >> 32
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < n {
            tail |= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        h0 = (h0 ^ tail) &* 0x9E37_79B9_7F4A_7C15
        h1 = (h1 ^ tail) &* 0xC2B2_AE3D_27D4_EB4F
        return (finalize(h0), finalize(h1) & 0x00FF_FFFF_FFFF_FFFF | 0xFF << 56)
    }

    /// Bytes `0 ..< min(n, 8)` as a little-endian word, zero above: read with overlapping loads inside the buffer
    /// rather than a byte copy (this runs for every user and account of tens of millions of rows).
    @inline(__always)
    private static func smallWords(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = bytes.count
        guard n > 0 else { return 0 }
        let raw = UnsafeRawPointer(bytes.baseAddress!)
        if n >= 8 { return UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)) }
        if n >= 4 {
            // Bytes 0..<4, and bytes 4..<n from the top of the word ending at n (they overlap when n < 8).
            let low = UInt64(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))
            let high = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)))
            return low | (high >> UInt64((8 - n) * 8)) << 32
        }
        var word: UInt64 = 0
        for k in 0..<n { word |= UInt64(bytes[k]) << UInt64(k * 8) }
        return word
    }

    /// Bytes `8 ..< n` (for 8 < n <= 15) as a little-endian word, zero above: the top of the word ending at n.
    @inline(__always)
    private static func tailWord(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = bytes.count
        let word = UInt64(littleEndian: UnsafeRawPointer(bytes.baseAddress!).loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
        return word >> UInt64((16 - n) * 8)
    }

    @inline(__always)
    private static func finalize(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    private static func mix(_ w0: UInt64, _ w1: UInt64, _ tag: Int32) -> Int {
        let x = (w0 &* 0x9E37_79B9_7F4A_7C15) ^ (w1 &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(UInt32(bitPattern: tag))
        return Int(truncatingIfNeeded: finalize(x))
    }

    /// Whether `a`'s UTF-8 is `b` (`IDOrder.same`): this runs for each candidate of a run and each hinted lookup.
    private static func sameBytes(_ a: String, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var a = a
        return a.withUTF8 { IDOrder.same($0, b) }
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        mask = slots.count - 1
        for slot in old where slot.value >= 0 {
            var i = StringInterner.mix(slot.w0, slot.w1, slot.tag) & mask
            while slots[i].value >= 0 { i = (i + 1) & mask }
            slots[i] = slot
        }
    }
}
