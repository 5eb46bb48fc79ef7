/// The source line of each record read from a file, kept as runs of records on consecutive lines.
///
/// Only messages about repeated usage event ids need these lines, after the whole file is read; a line per event
/// would be 80 MB on 20 million events, written and copied for nothing on a file without repeats. A file's records
/// sit on consecutive lines but for a header, blank lines and rows with problems, so a run starts only there.
struct LineMap {
    /// Run `k` starts at record `starts[k]`, on line `starts[k] + offsets[k]`, and holds the records before the
    /// next run's start.
    private var starts: [Int] = []
    private var offsets: [Int] = []
    /// How many records the map holds.
    private(set) var count = 0

    /// Adds one record, on `line`.
    mutating func append(line: Int) { append(run: line, count: 1) }

    /// Adds `count` records on the consecutive lines from `line`.
    mutating func append(run line: Int, count n: Int) {
        guard n > 0 else { return }
        let offset = line - count
        if offsets.last != offset {
            starts.append(count)
            offsets.append(offset)
        }
        count += n
    }

    /// The line of record `index` (in `0..<count`).
    func line(of index: Int) -> Int {
        // The last run starting at or before `index`.
        var low = 0
        var high = starts.count
        while high - low > 1 {
            let mid = (low + high) / 2
            if starts[mid] <= index { low = mid } else { high = mid }
        }
        return index + offsets[low]
    }
}
