/// Maps a component's raw value onto a 0-100 score through thresholds: points `(value, score)` in increasing value,
/// joined by straight lines, flat beyond the first and the last point.
///
/// With `[(0, 100), (2, 70), (5, 30)]`, 1 ticket scores 85 (halfway from 100 to 70), 4 tickets score 43.3, 9 score 30.
public struct ScoreCurve: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public var value: Double
        public var score: Double
        public init(value: Double, score: Double) {
            self.value = value
            self.score = score
        }
    }

    public private(set) var points: [Point]

    /// A curve through `points`, sorted by value.
    public init(_ points: [(Double, Double)]) {
        self.points = points.map { Point(value: $0.0, score: $0.1) }.sorted { $0.value < $1.value }
    }

    /// Why `points` do not make a curve, or `nil`: at least one point, distinct values, scores within 0...100.
    public static func problem(with points: [(Double, Double)]) -> String? {
        if points.isEmpty { return "needs at least one [value, score] point" }
        if points.contains(where: { !$0.0.isFinite || !($0.1 >= 0 && $0.1 <= 100) }) {
            return "scores must be from 0 to 100 and values finite"
        }
        if Set(points.map(\.0)).count != points.count { return "two points have the same value" }
        return nil
    }

    /// The score of `value`.
    public func score(_ value: Double) -> Double {
        guard let first = points.first, let last = points.last else { return 0 }
        if value <= first.value { return first.score }
        if value >= last.value { return last.score }
        var i = 1
        while points[i].value < value { i += 1 }
        let a = points[i - 1]
        let b = points[i]
        return a.score + (value - a.value) * (b.score - a.score) / (b.value - a.value)
    }
}
