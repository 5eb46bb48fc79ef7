import Foundation

/// Shows how a long job advances on standard error: a bar redrawn in place on a terminal, and a plain line every
/// tenth of the way otherwise (logs, CI), with the rate and the time left.
final class Progress {
    private let label: String
    private let started = Date()
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastDraw = Date.distantPast
    private var lastTenth = -1

    init(_ label: String) { self.label = label }

    func update(_ done: Int, of total: Int) {
        let elapsed = Date().timeIntervalSince(started)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let left = rate > 0 ? Double(total - done) / rate : 0
        let share = total > 0 ? Double(done) / Double(total) : 1
        let figures =
            "\(done.formatted())/\(total.formatted()) rows, \(Int(rate).formatted()) rows/s, ETA \(Int(left.rounded(.up))) s"
        if isTerminal {
            guard done == total || Date().timeIntervalSince(lastDraw) >= 0.1 else { return }
            lastDraw = Date()
            let width = 30
            let filled = Int(share * Double(width))
            let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
            FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(Int(share * 100))% \(figures)\u{1B}[K".utf8))
            if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
        } else {
            let tenth = Int(share * 10)
            guard tenth > lastTenth else { return }
            lastTenth = tenth
            FileHandle.standardError.write(Data("\(label): \(Int(share * 100))% \(figures)\n".utf8))
        }
    }
}
