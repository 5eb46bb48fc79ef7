import Foundation

/// Prints the wall time of each step of a command to standard error, when asked (`--timings`): what a benchmark or a
/// slow report needs to tell loading from computing.
struct StepTimer {
    let enabled: Bool
    private var last = DispatchTime.now().uptimeNanoseconds
    private let start = DispatchTime.now().uptimeNanoseconds

    init(enabled: Bool) { self.enabled = enabled }

    /// Ends the step `name`, begun where the previous one ended.
    mutating func step(_ name: String, onlyIf condition: Bool = true) {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { last = now }
        guard enabled, condition else { return }
        let padded = name.padding(toLength: max(name.count, 28), withPad: " ", startingAt: 0)
        let line = padded + String(format: " %8.3f s  (%.3f s in all)\n", Double(now - last) / 1e9, Double(now - start) / 1e9)
        FileHandle.standardError.write(Data(line.utf8))
    }
}
