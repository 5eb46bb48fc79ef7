import VitalsCore

/// A workspace's records as loaded, and where they came from.
public struct LoadedDataset: Sendable {
    public var dataset: Dataset
    /// The workspace's `dataVersion` the records are as of.
    public var dataVersion: Int64
    /// Whether they came from the snapshot (else from the rows, and a fresh snapshot would speed the next load).
    public var fromSnapshot: Bool
    /// The row ids of `dataset.accounts`, in the same order (what `accountRowIDs(workspace:)` gives).
    public var accountRows: [Int64]

    public init(dataset: Dataset, dataVersion: Int64, fromSnapshot: Bool, accountRows: [Int64]) {
        self.dataset = dataset
        self.dataVersion = dataVersion
        self.fromSnapshot = fromSnapshot
        self.accountRows = accountRows
    }
}
