import Foundation

/// Prints the wall time of each step of a command to standard error, when asked (`--timings`): what a benchmark or a
/// slow report needs to tell loading from computing. Each step also shows the new memory the process touched in it
/// (its minor page faults, at 4 kB a page): on a virtual machine, first touches of memory are a large part of a load.
struct StepTimer {
    let enabled: Bool
    private var last = DispatchTime.now().uptimeNanoseconds
    private let start = DispatchTime.now().uptimeNanoseconds
    private var lastFaults = StepTimer.minorFaults()

    private static func minorFaults() -> Int {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        return usage.ru_minflt
    }

    init(enabled: Bool) { self.enabled = enabled }

    /// Ends the step `name`, begun where the previous one ended.
    mutating func step(_ name: String, onlyIf condition: Bool = true) {
        let now = DispatchTime.now().uptimeNanoseconds
        let faults = StepTimer.minorFaults()
        defer {
            last = now
            lastFaults = faults
        }
        guard enabled, condition else { return }
        let padded = name.padding(toLength: max(name.count, 28), withPad: " ", startingAt: 0)
        let line = padded + String(
            format: " %8.3f s  (%.3f s in all)  %6d MB new memory\n", Double(now - last) / 1e9, Double(now - start) / 1e9,
            (faults - lastFaults) * 4 / 1024)
        FileHandle.standardError.write(Data(line.utf8))
    }
}
