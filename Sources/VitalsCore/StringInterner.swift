/// Gives each distinct `(tag, text)` pair a dense index `0, 1, 2, ...` in order of first appearance.
///
/// Used once per calculator to turn the usage events' user ids (tagged with their account) and event names into
/// `Int32` columns, so that the KPI loops never hash a string. Texts are compared **byte for byte** (UTF-8), as ids
/// are opaque: two spellings that Swift's `String ==` would call canonically equivalent are distinct ids here, as
/// they are in a database.
///
/// Faster than `[String: Int32]` because a text of up to 15 bytes is its own key (two machine words, compared
/// exactly, with no hashing of the string and no second memory access); longer texts are keyed by a 112-bit hash and
/// then compared with the stored text.
struct StringInterner {
    private struct Slot {
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        var tag: Int32 = 0
        var value: Int32 = -1
    }

    private var slots: [Slot]
    private var mask: Int
    /// The interned texts and their tags, by index.
    private(set) var texts: [String] = []
    private(set) var tags: [Int32] = []

    var count: Int { texts.count }

    init(expected: Int = 8) {
        var size = 16
        while size < expected * 2 { size <<= 1 }
        slots = [Slot](repeating: Slot(), count: size)
        mask = size - 1
    }

    /// The index of `(tag, text)`, assigning the next one if it is new.
    mutating func index(of text: String, tag: Int32 = 0) -> Int32 {
        let key =
            text.utf8.withContiguousStorageIfAvailable(StringInterner.key)
            ?? Array(text.utf8).withUnsafeBufferPointer(StringInterner.key)
        let isLong = key.1 >> 56 == 0xFF
        var i = StringInterner.mix(key.0, key.1, tag) & mask
        while true {
            let slot = slots[i]
            if slot.value < 0 { break }
            if slot.w0 == key.0 && slot.w1 == key.1 && slot.tag == tag
                && (!isLong || StringInterner.sameBytes(texts[Int(slot.value)], text))
            {
                return slot.value
            }
            i = (i + 1) & mask
        }
        let value = Int32(texts.count)
        slots[i] = Slot(w0: key.0, w1: key.1, tag: tag, value: value)
        texts.append(text)
        tags.append(tag)
        if texts.count * 2 > slots.count { grow() }
        return value
    }

    /// Two words that identify the bytes: the bytes themselves and their length for up to 15 bytes (the top byte of
    /// `w1` is the length, 0...15), else two hashes with the top byte 0xFF.
    private static func key(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        let n = bytes.count
        if n <= 15 {
            var words: (UInt64, UInt64) = (0, 0)
            if n > 0 {
                withUnsafeMutableBytes(of: &words) { $0.baseAddress!.copyMemory(from: bytes.baseAddress!, byteCount: n) }
            }
            return (UInt64(littleEndian: words.0), UInt64(littleEndian: words.1) | UInt64(n) << 56)
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

    private static func sameBytes(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        let fast = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in x.elementsEqual(y) }
        }
        if let fast, let same = fast { return same }
        return a.utf8.elementsEqual(b.utf8)
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

/// A small direct-mapped cache from the two machine words of a `String` value (and a tag) to its interned index, in
/// front of a `StringInterner`.
///
/// Equal words mean the same string: the same inline bytes (a small string) or the same storage object, which cannot
/// be reused while the strings are alive, as they are while a dataset is being indexed. Equal strings can have
/// different words (two copies in separate storage), so a miss only means "ask the interner". A hit costs one probe
/// and never reads, hashes or even retains the string, which matters for 20 million usage events.
struct StringIdentityCache {
    typealias Key = (UInt64, UInt64)
    private struct Entry {
        /// (0, 0) in an empty entry: no `String` value is two zero words (even the empty string has a flag set).
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        var tag: Int32 = 0
        var value: Int32 = -1
    }

    private var entries: [Entry]
    private let mask: Int

    /// - Parameter size: the number of entries, a power of two.
    init(size: Int) {
        entries = [Entry](repeating: Entry(), count: size)
        mask = size - 1
    }

    /// The words of the `String` stored at `offset` bytes into `base`, or `nil` where a `String` is not two words.
    @inline(__always)
    static func key(at base: UnsafeRawPointer, offset: Int) -> Key? {
        guard MemoryLayout<String>.size == 16 else { return nil }
        return (base.load(fromByteOffset: offset, as: UInt64.self), base.load(fromByteOffset: offset + 8, as: UInt64.self))
    }

    /// Ids often differ only in their last bytes (`u_acc_000123_4`), the top bits of a word: fold them down.
    @inline(__always)
    private func slot(_ key: Key, _ tag: Int32) -> Int {
        var x = key.0 ^ (key.1 &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(UInt32(bitPattern: tag))
        x = (x ^ (x >> 32)) &* 0xD6E8_FEB8_6659_FD93
        x ^= x >> 32
        return Int(truncatingIfNeeded: x) & mask
    }

    /// The index remembered for `(key, tag)`, or -1.
    @inline(__always)
    func value(for key: Key?, tag: Int32 = 0) -> Int32 {
        guard let key else { return -1 }
        let entry = entries[slot(key, tag)]
        return entry.w0 == key.0 && entry.w1 == key.1 && entry.tag == tag ? entry.value : -1
    }

    /// Remembers `value` for `(key, tag)`, replacing whatever shared its entry.
    @inline(__always)
    mutating func remember(_ key: Key?, tag: Int32 = 0, _ value: Int32) {
        guard let key else { return }
        entries[slot(key, tag)] = Entry(w0: key.0, w1: key.1, tag: tag, value: value)
    }
}
