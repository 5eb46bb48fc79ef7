/// One component's part in a score.
public struct ComponentScore: Sendable, Equatable {
    public var component: HealthComponent
    /// The raw value (`nil`: no data, the component dropped out).
    public var value: Double?
    /// The value's score, 0-100 (`nil` with no data).
    public var score: Double?
    /// The configured weight.
    public var weight: Double
    /// The weight's share of the weights of the components with data (0 when this one has none): the
    /// redistributed weight, as a fraction.
    public var effectiveWeight: Double
    /// Points this component adds to the score: `effectiveWeight x score`.
    public var contribution: Double
}

/// A health score with its parts.
public struct HealthScore: Sendable, Equatable {
    /// 0-100: the weighted mean of the scores of the components with data.
    public var score: Double
    public var band: HealthBand
    /// The name of the model that scored it.
    public var model: String
    public var components: [ComponentScore]

    /// The components without data, whose weight went to the others.
    public var missing: [HealthComponent] { components.filter { $0.value == nil && $0.weight > 0 }.map(\.component) }
}

extension HealthModel {
    /// Scores component values: each value through its curve, then the mean weighted by the configured weights of
    /// the components that have data (a component without data drops out and its weight is shared among the rest in
    /// proportion to theirs). `nil` when no weighted component has data.
    ///
    /// Worked example (default model, `docs/health.md`): usage -25 % scores 35 at weight 20, billing current scores 100
    /// at weight 15, every other component without data: (20 x 35 + 15 x 100) / 35 = 62.86, yellow.
    public func score(_ values: ComponentValues) -> HealthScore? {
        var total = 0.0
        var weightWithData = 0.0
        var parts: [ComponentScore] = []
        parts.reserveCapacity(HealthComponent.count)
        for c in HealthComponent.allCases {
            let w = weights[c.position]
            let value = values[c]
            let score = value.map { curves[c.position].score($0) }
            if let score, w > 0 {
                total += w * score
                weightWithData += w
            }
            parts.append(ComponentScore(component: c, value: value, score: score, weight: w, effectiveWeight: 0, contribution: 0))
        }
        guard weightWithData > 0 else { return nil }
        for k in parts.indices where parts[k].score != nil && parts[k].weight > 0 {
            parts[k].effectiveWeight = parts[k].weight / weightWithData
            parts[k].contribution = parts[k].effectiveWeight * parts[k].score!
        }
        let score = total / weightWithData
        return HealthScore(score: score, band: bands.band(score), model: name, components: parts)
    }

    /// The score alone, without allocating the parts (the hot path of scoring every account).
    package func quickScore(_ values: UnsafeBufferPointer<Double>) -> Double? {
        var total = 0.0
        var weightWithData = 0.0
        for k in 0..<HealthComponent.count {
            let v = values[k]
            let w = weights[k]
            guard !v.isNaN, w > 0 else { continue }
            total += w * curves[k].score(v)
            weightWithData += w
        }
        return weightWithData > 0 ? total / weightWithData : nil
    }
}
