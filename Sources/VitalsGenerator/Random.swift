#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A seeded xoshiro256** generator: fast, statistically solid, and identical on every platform.
///
/// The generator never touches the system's randomness or the clock. Independent streams are derived from the run's
/// seed with `SeededRandom(seed:stream:index:)`, so the history of one account does not depend on how many random
/// numbers another account (or another kind of record) consumed.
struct SeededRandom {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A generator whose state is expanded from `seed` with SplitMix64.
    init(seed: UInt64) {
        var mixer = seed
        s0 = SeededRandom.splitMix(&mixer)
        s1 = SeededRandom.splitMix(&mixer)
        s2 = SeededRandom.splitMix(&mixer)
        s3 = SeededRandom.splitMix(&mixer)
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    /// The generator of one numbered stream (e.g. one account) of one kind (`stream`) of the run seeded with `seed`.
    init(seed: UInt64, stream: Stream, index: Int = 0) {
        var mixer = seed ^ (stream.rawValue &* 0xD1B5_4A32_D192_ED03)
        let base = SeededRandom.splitMix(&mixer)
        self.init(seed: base ^ (UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15 &+ 0x632B_E59B_D9B4_E019))
    }

    /// The kinds of independent streams a run uses.
    enum Stream: UInt64 {
        case roster = 1, profile, subscriptions, usage, feedback, commercial, success, company, relationships, engagement
    }

    @inline(__always)
    private static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// The next 64 random bits.
    @inline(__always)
    mutating func next() -> UInt64 {
        let result = SeededRandom.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = SeededRandom.rotl(s3, 45)
        return result
    }

    /// A uniform number in `[0, 1)`.
    @inline(__always)
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A uniform integer in `0 ..< upper` (`upper` > 0), by Lemire's multiply-high.
    @inline(__always)
    mutating func int(_ upper: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(upper)).high)
    }

    /// A uniform integer in `range`.
    @inline(__always)
    mutating func int(in range: ClosedRange<Int>) -> Int { range.lowerBound + int(range.count) }

    /// A uniform number in `range`.
    @inline(__always)
    mutating func double(in range: ClosedRange<Double>) -> Double {
        range.lowerBound + unit() * (range.upperBound - range.lowerBound)
    }

    /// True with probability `p`.
    @inline(__always)
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// A uniformly chosen element of a non-empty array.
    @inline(__always)
    mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }

    /// An index drawn with the given weights (need not sum to 1).
    mutating func weighted(_ weights: [Double]) -> Int {
        var total = 0.0
        for w in weights { total += w }
        var x = unit() * total
        for (i, w) in weights.enumerated() {
            x -= w
            if x < 0 { return i }
        }
        return weights.count - 1
    }

    /// A standard normal number (Marsaglia's polar method; the spare value is discarded for simplicity).
    mutating func normal() -> Double {
        while true {
            let u = 2 * unit() - 1
            let v = 2 * unit() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 { return u * (-2 * log(s) / s).squareRoot() }
        }
    }

    /// A Poisson-distributed count with the given mean (Knuth's method below 30, a rounded normal above).
    mutating func poisson(_ mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        if mean < 30 {
            let limit = exp(-mean)
            var product = unit()
            var count = 0
            while product > limit {
                count += 1
                product *= unit()
            }
            return count
        }
        return max(0, Int((mean + mean.squareRoot() * normal()).rounded()))
    }

    /// An exponentially distributed number with the given mean.
    mutating func exponential(mean: Double) -> Double { -mean * log(1 - unit()) }
}

/// Natural logarithm and exponential, for the few places that need them (growth curves, Poisson draws).
enum Maths {
    @inline(__always) static func ln(_ x: Double) -> Double { log(x) }
    @inline(__always) static func e(_ x: Double) -> Double { exp(x) }
}
