import Testing

@testable import VitalsCore

/// `IDOrder.precedes` orders ids as their bytes do (a prefix first), eight bytes at a time.
@Suite struct IDOrderTests {
    func precedes(_ x: [UInt8], _ y: [UInt8]) -> Bool {
        x.withUnsafeBufferPointer { x in y.withUnsafeBufferPointer { y in IDOrder.precedes(x, y) } }
    }

    @Test func ordersAsBytesDo() {
        #expect(precedes(Array("evt_000000001".utf8), Array("evt_000000002".utf8)))
        #expect(!precedes(Array("evt_000000002".utf8), Array("evt_000000001".utf8)))
        #expect(!precedes(Array("evt_000000001".utf8), Array("evt_000000001".utf8)))
        #expect(precedes(Array("evt_00000000".utf8), Array("evt_000000001".utf8)))  // a prefix first
        #expect(!precedes(Array("event_number_9".utf8), Array("event_number_10".utf8)))  // bytes, not numbers: '9' > '1'
        #expect(precedes(Array("evt_00000009".utf8), Array("evt_000000100".utf8)))  // the 11th bytes: '0' < '1'
        #expect(precedes([], [0]) && !precedes([0], []) && !precedes([], []))
        #expect(precedes(Array("a_long_identifier_1".utf8), Array("a_long_identifier_2".utf8)))
    }

    /// Random pairs sharing long prefixes, of every length up to 20, against the standard library's order.
    @Test func agreesWithLexicographicOrder() {
        var state: UInt64 = 42
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<20_000 {
            let x = (0..<next(21)).map { _ in UInt8(48 + next(3)) }
            var y = Array(x.prefix(next(x.count + 1)))
            y += (0..<next(8)).map { _ in UInt8(48 + next(3)) }
            #expect(precedes(x, y) == x.lexicographicallyPrecedes(y), "\(x) \(y)")
            #expect(precedes(y, x) == y.lexicographicallyPrecedes(x), "\(y) \(x)")
        }
    }

    /// `IDOrder.same` against `==` on pairs that differ in one byte anywhere (first, middle, last word), or not at
    /// all, or in length, for every length up to 40.
    @Test func sameAgreesWithEquality() {
        func same(_ x: [UInt8], _ y: [UInt8]) -> Bool {
            x.withUnsafeBufferPointer { x in y.withUnsafeBufferPointer { y in IDOrder.same(x, y) } }
        }
        for n in 0...40 {
            let x = (0..<n).map { UInt8(97 + $0 % 26) }
            #expect(same(x, x))
            #expect(!same(x, x + [0x61]) && !same(x + [0x61], x))
            for k in 0..<n {
                var y = x
                y[k] ^= 0x20
                #expect(!same(x, y), "length \(n), byte \(k)")
            }
        }
        #expect(same(Array("u_acc_000123_1".utf8), Array("u_acc_000123_1".utf8)))
        #expect(!same(Array("u_acc_000123_1".utf8), Array("u_acc_000123_2".utf8)))
    }
}
