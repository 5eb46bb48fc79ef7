/// One problem found in input data, located as `file:line: column: reason`.
public struct LoadIssue: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the problem concerns the whole file.
    public var line: Int
    public var column: String?
    public var reason: String

    public init(file: String, line: Int, column: String?, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason
    }

    public var description: String {
        var text = file
        if line > 0 { text += ":\(line)" }
        if let column { text += ": \(column)" }
        return text + ": " + reason
    }
}

/// A load that failed: nothing of it was applied. Lists the first `shown` problems and counts the rest.
public struct DatasetLoadError: Error, Sendable, CustomStringConvertible {
    public static let shown = 50
    public var issues: [LoadIssue]
    public var total: Int

    public var description: String {
        var lines = issues.map(\.description)
        if total > issues.count { lines.append("... and \(total - issues.count) more problems") }
        return lines.joined(separator: "\n")
    }
}

/// Collects problems during a load, keeping the first `DatasetLoadError.shown`.
final class IssueLog {
    private(set) var issues: [LoadIssue] = []
    private(set) var total = 0

    func add(_ file: String, _ line: Int, _ column: String?, _ reason: String) {
        total += 1
        if issues.count < DatasetLoadError.shown {
            issues.append(LoadIssue(file: file, line: line, column: column, reason: reason))
        }
    }

    /// Adds the problems `other` collected, after this log's own (as if they had been added here).
    func append(_ other: IssueLog) {
        for issue in other.issues { add(issue.file, issue.line, issue.column, issue.reason) }
        total += other.total - other.issues.count
    }

    var error: DatasetLoadError? { total == 0 ? nil : DatasetLoadError(issues: issues, total: total) }
}
