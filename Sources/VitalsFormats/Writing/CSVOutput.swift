import VitalsCore

/// A CSV file being built as bytes in a growable buffer: every field is followed by a comma, or by a line end when
/// it is the `last` field of its row.
struct CSVOutput: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0
    /// The day and `YYYY-MM-DD` text of the last timestamp written (rows often repeat the day).
    private var cachedDay = Int64.min
    private var cachedDate: (UInt64, UInt16) = (0, 0)

    init(capacity: Int) {
        self.capacity = max(64, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes written so far.
    var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    mutating func removeAll() { count = 0 }

    /// Drops the last `n` bytes.
    mutating func removeLast(_ n: Int) { count -= n }

    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private mutating func grow(_ needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    @inline(__always)
    private mutating func end(_ last: Bool) {
        reserve(1)
        put(last ? 10 : 44)
    }

    /// Appends raw bytes.
    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        reserve(bytes.count)
        (base + count).update(from: bytes.baseAddress!, count: bytes.count)
        count += bytes.count
    }

    /// A text field, quoted when it contains a comma, quote, CR or LF (inner quotes doubled); empty for `nil`.
    @inline(__always)
    mutating func field(_ text: String?, last: Bool = false) {
        if var text {
            text.withUTF8 { utf8 in quoted(utf8) }
        }
        end(last)
    }

    /// A text field given as UTF-8 bytes, quoted like `field(_:last:)`.
    @inline(__always)
    mutating func field(bytes: UnsafeBufferPointer<UInt8>, last: Bool = false) {
        quoted(bytes)
        end(last)
    }

    @inline(__always)
    private mutating func quoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        var plain = true
        for byte in utf8 where byte == 44 || byte == 34 || byte == 10 || byte == 13 {
            plain = false
            break
        }
        if plain {
            if !utf8.isEmpty { append(utf8) }
        } else {
            reserve(utf8.count * 2 + 2)
            put(34)
            for byte in utf8 {
                if byte == 34 { put(34) }
                put(byte)
            }
            put(34)
        }
    }

    /// An integer, or empty for `nil`.
    @inline(__always)
    mutating func int(_ value: Int?, last: Bool = false) {
        if let value { digits(Int64(value)) }
        end(last)
    }

    /// `true` or `false`, or empty for `nil`.
    mutating func bool(_ value: Bool?, last: Bool = false) {
        if let value {
            reserve(5)
            for byte in value ? "true".utf8 : "false".utf8 { put(byte) }
        }
        end(last)
    }

    /// A number: integral values without a fraction (`7`, not `7.0`), others in Swift's shortest exact form.
    @inline(__always)
    mutating func number(_ value: Double?, last: Bool = false) {
        if let value {
            if value == value.rounded(), abs(value) < 1e15 {
                digits(Int64(value))
            } else {
                var text = value.description
                text.withUTF8 { append($0) }
            }
        }
        end(last)
    }

    /// Money in major units, e.g. `49.00`, as `Money.decimalString` writes it.
    @inline(__always)
    mutating func money(_ money: Money, last: Bool = false) {
        decimal(money.minorUnits, exponent: money.currency.minorUnitExponent, last: last)
    }

    /// Minor units as a decimal with `exponent` places (`-3.05`), as `Money.decimalString` writes it.
    mutating func decimal(_ minorUnits: Int64, exponent: Int, last: Bool = false) {
        if exponent <= 0 {
            digits(minorUnits)
        } else {
            reserve(2 + exponent)
            if minorUnits < 0 { put(45) }
            var scale: UInt64 = 1
            for _ in 0..<exponent { scale &*= 10 }
            let magnitude = minorUnits.magnitude
            unsignedDigits(magnitude / scale)
            reserve(1 + exponent)
            put(46)
            var fraction = magnitude % scale
            count += exponent
            for i in 1...exponent {
                base[count - i] = UInt8(truncatingIfNeeded: 48 + fraction % 10)
                fraction /= 10
            }
        }
        end(last)
    }

    /// ISO 8601 as `Timestamp.description` writes it, or empty for `nil`.
    @inline(__always)
    mutating func timestamp(_ value: Timestamp?, last: Bool = false) {
        if let value {
            let seconds = value.seconds
            var day = seconds / 86_400
            if day * 86_400 > seconds { day -= 1 }
            let secondOfDay = Int(seconds - day * 86_400)
            if day != cachedDay { cacheDate(day: day, value) }
            if cachedDay != day {
                var text = value.description
                text.withUTF8 { append($0) }
            } else {
                reserve(20)
                let raw = UnsafeMutableRawPointer(base + count)
                raw.storeBytes(of: cachedDate.0, as: UInt64.self)
                raw.storeBytes(of: cachedDate.1, toByteOffset: 8, as: UInt16.self)
                count += 10
                if secondOfDay != 0 {
                    put(84)
                    two(secondOfDay / 3600)
                    put(58)
                    two(secondOfDay / 60 % 60)
                    put(58)
                    two(secondOfDay % 60)
                    put(90)
                }
            }
        }
        end(last)
    }

    /// Remembers the `YYYY-MM-DD` text of `day` (only for years 0...9999; others go through `description`).
    private mutating func cacheDate(day: Int64, _ value: Timestamp) {
        let date = value.date
        guard date.year >= 0 && date.year <= 9999 else { return }
        var bytes: (UInt64, UInt16) = (0, 0)
        withUnsafeMutableBytes(of: &bytes) { raw in
            let y = date.year
            raw[0] = UInt8(48 + y / 1000)
            raw[1] = UInt8(48 + y / 100 % 10)
            raw[2] = UInt8(48 + y / 10 % 10)
            raw[3] = UInt8(48 + y % 10)
            raw[4] = 45
            raw[5] = UInt8(48 + date.month / 10)
            raw[6] = UInt8(48 + date.month % 10)
            raw[7] = 45
            raw[8] = UInt8(48 + date.day / 10)
            raw[9] = UInt8(48 + date.day % 10)
        }
        cachedDate = bytes
        cachedDay = day
    }

    /// Two digits (the caller reserved the room).
    @inline(__always)
    private mutating func two(_ value: Int) {
        put(UInt8(truncatingIfNeeded: 48 + value / 10))
        put(UInt8(truncatingIfNeeded: 48 + value % 10))
    }

    @inline(__always)
    private mutating func digits(_ value: Int64) {
        reserve(21)
        if value < 0 { put(45) }
        unsignedDigits(value.magnitude)
    }

    @inline(__always)
    private mutating func unsignedDigits(_ value: UInt64) {
        reserve(20)
        if value < 10 {
            put(UInt8(truncatingIfNeeded: 48 + value))
            return
        }
        var length = 0
        var rest = value
        while rest > 0 {
            length += 1
            rest /= 10
        }
        rest = value
        count += length
        for i in 1...length {
            base[count - i] = UInt8(truncatingIfNeeded: 48 + rest % 10)
            rest /= 10
        }
    }
}
