import Dispatch

/// Runs two independent computations at the same time, one on a worker thread and one on the calling thread.
///
/// The KPI tail is a handful of independent passes over the dataset; on a machine with two or more cores the two
/// halves overlap instead of running one after the other. Results need not be `Sendable`: each is produced by one
/// closure and handed back only once both have finished, so no value is shared while either closure runs.
enum Concurrently {
    static func run<A, B>(_ first: () -> A, _ second: () -> B) -> (A, B) {
        var a: A?
        var b: B?
        withoutActuallyEscaping(first) { first in
            withoutActuallyEscaping(second) { second in
                // Iteration 0 writes only `a` and iteration 1 only `b`; `concurrentPerform` returns after both, so
                // neither is read while being written. The closures only read what they capture.
                nonisolated(unsafe) let first = first
                nonisolated(unsafe) let second = second
                withUnsafeMutablePointer(to: &a) { a in
                    withUnsafeMutablePointer(to: &b) { b in
                        nonisolated(unsafe) let a = a
                        nonisolated(unsafe) let b = b
                        DispatchQueue.concurrentPerform(iterations: 2) { k in
                            if k == 0 { a.pointee = first() } else { b.pointee = second() }
                        }
                    }
                }
            }
        }
        return (a!, b!)
    }
}
