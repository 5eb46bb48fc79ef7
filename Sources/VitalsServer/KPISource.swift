import VitalsCore

/// Where the server reads KPIs from: a loaded dataset with its settings.
///
/// The calculator (and its MRR timeline) is built once, so a request only tallies the periods it asks for.
public struct KPISource: Sendable {
    public let calculator: KPICalculator
    public let knownAttributes: Set<String>

    public init(dataset: Dataset, settings: ReportSettings) {
        self.calculator = KPICalculator(dataset: dataset, settings: settings)
        self.knownAttributes = Set(Account.builtInAttributes).union(dataset.accounts.flatMap { $0.attributes.keys })
    }
}
