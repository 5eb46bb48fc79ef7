import Foundation
import VitalsCore

/// Loads a dataset folder in the canonical CSV format (docs/data-format.md) into memory.
///
/// The load is all or nothing: every problem is collected as `file:line: column: reason`, and if there is any the
/// whole load fails with `DatasetLoadError`.
public enum DatasetLoader {
    /// The canonical files, in the order they load (rates and accounts first: the others refer to them).
    public static let files = RecordKind.all.flatMap { $0.id == .usageEvents ? [$0.file, "usage_events.ndjson"] : [$0.file] }

    /// What a load does with the usage events' ids.
    public enum UsageEventIDs: Sendable {
        /// Checked for repeats and kept in the dataset: to store or export the events.
        case kept
        /// Checked for repeats (with the same messages), then not kept: the dataset's `usageEvents.hasIDs` is false.
        /// For a caller that only computes from the events (a report), which then needs a third less memory for them.
        case checkedThenDropped
    }

    /// Loads every canonical file present in `directory`. Money in a currency other than `reportingCurrency` needs
    /// rates in fx_rates.csv.
    /// - Parameter knownAccounts: accounts that exist already (in the store being imported into): they start the
    ///   dataset, rows may refer to them, and accounts.csv may update them.
    /// - Parameter knownContacts: contacts stored already, with their accounts, which activities may name.
    public static func load(
        directory: String, reportingCurrency: CurrencyCode, knownAccounts: [Account] = [],
        knownContacts: [ContactID: AccountID] = [:], usageEventIDs: UsageEventIDs = .kept
    ) throws(DatasetLoadError) -> Dataset {
        try load(
            directory: directory, reportingCurrency: reportingCurrency, usageBlockSize: UsageEventsFastCSV.blockSize,
            knownAccounts: knownAccounts, knownContacts: knownContacts, usageEventIDs: usageEventIDs)
    }

    /// - Parameter usageBlockSize: bytes of usage_events.csv read at a time (small in tests, to cross block ends).
    /// - Parameter collidingIDHashes: without kept ids, hash every id alike (tests of the exact check behind hashes).
    static func load(
        directory: String, reportingCurrency: CurrencyCode, usageBlockSize: Int, knownAccounts: [Account] = [],
        knownContacts: [ContactID: AccountID] = [:], usageEventIDs: UsageEventIDs = .kept, collidingIDHashes: Bool = false
    ) throws(DatasetLoadError) -> Dataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatasetLoadError(
                issues: [LoadIssue(file: directory, line: 0, column: nil, reason: "no such dataset folder")], total: 1)
        }
        // Each file is read just before it is decoded and let go after, so only one file's bytes are held at a time.
        return try load(
            reportingCurrency: reportingCurrency, usageBlockSize: usageBlockSize, knownAccounts: knownAccounts,
            ratedCurrencies: [], knownContacts: knownContacts, usageEventIDs: usageEventIDs,
            collidingIDHashes: collidingIDHashes
        ) { file in
            let path = (directory as NSString).appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: path) else { return .absent }
            return .path(path)
        }
    }

    /// Loads canonical files given as `name -> contents` (names as in `files`).
    /// - Parameter ratedCurrencies: currencies with rates already stored, usable without fx_rates.csv.
    public static func load(
        files inputs: [String: [UInt8]], reportingCurrency: CurrencyCode, knownAccounts: [Account] = [],
        ratedCurrencies: Set<CurrencyCode> = [], knownContacts: [ContactID: AccountID] = [:]
    ) throws(DatasetLoadError) -> Dataset {
        try load(
            reportingCurrency: reportingCurrency, usageBlockSize: UsageEventsFastCSV.blockSize,
            knownAccounts: knownAccounts, ratedCurrencies: ratedCurrencies, knownContacts: knownContacts
        ) {
            inputs[$0].map { .bytes($0) } ?? .absent
        }
    }

    /// What a request body of records can fail with.
    public enum RecordsError: Error, Sendable {
        /// Not JSON of the expected shape (400): nothing was read.
        case malformed(String)
        /// Records that fail the checks (422), each problem at its element (`LoadIssue.line`, from 0) and column.
        case invalid(DatasetLoadError)
    }

    /// Loads records of `kind` sent as JSON (`ndjson`: one object a line; else an array of objects), with the checks
    /// and messages of an import of the kind's file; problems are located by element (0 is the first).
    /// - Parameter knownContacts: the contacts stored already, with their accounts, which activities may name.
    public static func load(
        json body: [UInt8], kind: RecordKind, ndjson: Bool, reportingCurrency: CurrencyCode, knownAccounts: [Account] = [],
        ratedCurrencies: Set<CurrencyCode> = [], knownContacts: [ContactID: AccountID] = [:]
    ) throws(RecordsError) -> (dataset: Dataset, count: Int) {
        let log = IssueLog()
        var table: JSONTable
        do {
            table = try JSONTable(file: kind.file, kind: kind, bytes: body, layout: ndjson ? .ndjsonBody : .array, log: log)
        } catch {
            throw .malformed(error.description)
        }
        var reader = RecordReader(
            log: log, reportingCurrency: reportingCurrency, knownAccounts: knownAccounts, ratedCurrencies: ratedCurrencies)
        reader.elementNumbered = true
        reader.knownContacts = knownContacts
        reader.read(&table, kind: kind)
        reader.checkUsageEventIDs()
        reader.checkSubscriptionOverlaps()
        if let error = log.error { throw .invalid(error) }
        return (reader.dataset, table.count)
    }

    enum Input {
        case absent
        case bytes([UInt8])
        case path(String)
    }

    private static func load(
        reportingCurrency: CurrencyCode, usageBlockSize: Int, knownAccounts: [Account], ratedCurrencies: Set<CurrencyCode>,
        knownContacts: [ContactID: AccountID] = [:], usageEventIDs: UsageEventIDs = .kept, collidingIDHashes: Bool = false,
        input: (String) -> Input
    ) throws(DatasetLoadError)
        -> Dataset
    {
        let log = IssueLog()
        var reader = RecordReader(
            log: log, reportingCurrency: reportingCurrency, knownAccounts: knownAccounts, ratedCurrencies: ratedCurrencies)
        reader.knownContacts = knownContacts
        var usage: BackgroundUsageRead?
        // Once the accounts are known, usage_events.csv (most of the rows) is read beside the other files.
        let usagePath: String? = if case .path(let path) = input("usage_events.csv") { path } else { nil }
        // Ids in usage_events.ndjson may repeat those of the CSV: then they are kept until checked.
        var ids = UsageEventsFastCSV.IDHandling(keep: true, colliding: collidingIDHashes)
        if usageEventIDs == .checkedThenDropped, case .absent = input("usage_events.ndjson") { ids.keep = false }
        func readUsage(accounts: StringInterner) {
            guard usage == nil, let usagePath else { return }
            usage = BackgroundUsageRead(path: usagePath, accounts: .given(accounts), blockSize: usageBlockSize, ids: ids)
        }
        // With both files on disk and no accounts known before, the usage read starts at once, with the ids of
        // accounts.csv read ahead (`AccountIDsReadAhead`), rather than once accounts.csv is read whole.
        if knownAccounts.isEmpty, let usagePath, case .path(let accountsPath) = input("accounts.csv") {
            usage = BackgroundUsageRead(
                path: usagePath, accounts: .readAhead(from: accountsPath), blockSize: usageBlockSize, ids: ids)
        }
        // accounts.csv's fast path says so as soon as it has the accounts' ids, before it fills in the dataset.
        if case .path = input("accounts.csv") { reader.whenAccountsKnown = readUsage }
        func readFile(_ file: String) {
            let given = input(file)
            defer {
                if file == "accounts.csv", case .path = given, reader.accountsDeclared {
                    readUsage(accounts: reader.accountKeys)
                }
            }
            let bytes: [UInt8]
            switch given {
            case .absent: return
            case .bytes(let given):
                if given.withUnsafeBufferPointer({ reader.readFast(file: file, bytes: $0) }) { return }
                bytes = given
            case .path(let path):
                // A large file that the fast path reads is mapped, not copied; the others (and any the fast path
                // gives up on) are read whole.
                if RecordReader.hasFastPath(file), let mapped = MappedFile(path: path),
                    reader.readFast(file: file, bytes: mapped.bytes)
                {
                    return
                }
                guard let read = FileBytes.read(path) else {
                    reader.log.add(file, 0, nil, "cannot be read")
                    return
                }
                bytes = read
            }
            if file.hasSuffix(".ndjson") {
                // Lines that are not objects are logged by the table, which reads the others.
                guard var table = try? JSONTable(file: file, kind: .usageEvents, bytes: bytes, layout: .ndjsonFile, log: reader.log)
                else { return }
                reader.read(&table, kind: .usageEvents)
            } else {
                reader.read(file: file, bytes: bytes)
            }
        }
        var readAhead: Set<String> = []
        for file in files where !readAhead.contains(file) {
            guard file == "usage_events.csv", let pending = usage else {
                readFile(file)
                continue
            }
            // While usage_events.csv is still being read on the other thread, the files after it that hold no usage
            // events are read too (unless usage_events.ndjson, which must follow it, is given). Their problems are
            // logged once usage_events.csv's are, so the messages come in file order as ever.
            var aheadLog: IssueLog?
            if case .absent = input("usage_events.ndjson") {
                aheadLog = IssueLog()
                reader.log = aheadLog!
                for later in files.drop(while: { $0 != "usage_events.ndjson" }).dropFirst() {
                    readFile(later)
                    readAhead.insert(later)
                }
                reader.log = log
            }
            let read = pending.wait()
            let sameAccounts = pending.accounts?.texts == reader.accountKeys.texts
            if let read, sameAccounts {
                reader.apply(read) { pending.reread() }
            } else if !sameAccounts, reader.accountsDeclared, let usagePath,
                let again = UsageEventsFastCSV.read(
                    path: usagePath, accounts: reader.accountKeys, blockSize: usageBlockSize, ids: ids)
            {
                // The ids read ahead were not the accounts' (accounts.csv had a problem): decoded again with theirs.
                let accounts = reader.accountKeys
                reader.apply(again) {
                    UsageEventsFastCSV.read(path: usagePath, accounts: accounts, blockSize: usageBlockSize)?.events
                }
            } else {
                readFile(file)
            }
            if let aheadLog { log.append(aheadLog) }
        }
        reader.checkUsageEventIDs()
        reader.checkSubscriptionOverlaps()
        if let error = log.error { throw error }
        if usageEventIDs == .checkedThenDropped { reader.dataset.usageEvents.dropIDs() }
        return reader.dataset
    }
}

/// Reads whole files into byte arrays with plain `read(2)` calls: no `Data` in between, so a large file is held once.
enum FileBytes {
    static func read(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        let size = Int(info.st_size)
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var done = 0
            while done < size {
                let got = Foundation.read(descriptor, buffer.baseAddress! + done, size - done)
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else { break }
                done += got
            }
            failed = done != size
            initialized = done
        }
        return failed ? nil : bytes
    }
}

/// The fast read of usage_events.csv running on another thread while the other files load.
final class BackgroundUsageRead: @unchecked Sendable {
    /// The account ids to decode with: given, or read ahead from accounts.csv at a path (`AccountIDsReadAhead`).
    enum Accounts {
        case given(StringInterner)
        case readAhead(from: String)
    }

    // `result` and `keys` are written once by the worker before it signals `done`, and read only after waiting for
    // `done`.
    private var result: FastUsageRead?
    private var keys: StringInterner?
    private let done = DispatchSemaphore(value: 0)
    private let path: String
    private let blockSize: Int
    private let helpers = UsageDecodeHelpers()

    init(path: String, accounts: Accounts, blockSize: Int, ids: UsageEventsFastCSV.IDHandling) {
        self.path = path
        self.blockSize = blockSize
        // The loader's own thread reads the other files one after another, so it is the one that decides when
        // the load ends: the usage read's threads run at a lower priority and take the rest of the cores, and the
        // loader's thread joins them once its files are read (`wait`).
        let decoders = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)
        var threads = (0..<decoders).map { _ in
            Thread { [helpers] in
                UsageDecodeHelpers.lowerPriority()
                helpers.help()
            }
        }
        threads.append(
            Thread { [self] in
                UsageDecodeHelpers.lowerPriority()
                switch accounts {
                case .given(let given): keys = given
                case .readAhead(let accountsPath):
                    keys = MappedFile(path: accountsPath).flatMap { AccountIDsReadAhead.read($0.bytes) }
                }
                if let keys {
                    result = UsageEventsFastCSV.read(
                        path: path, accounts: keys, blockSize: blockSize, ids: ids, helpers: helpers)
                }
                helpers.finish()
                done.signal()
            })
        for thread in threads {
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Waits for the read, decoding pieces of it meanwhile; `nil` when the fast path did not apply or the account
    /// ids could not be read ahead.
    func wait() -> FastUsageRead? {
        helpers.help()
        done.wait()
        return result
    }

    /// The account ids the events were decoded with (after `wait`).
    var accounts: StringInterner? { keys }

    /// Reads the file again, on the calling thread, keeping the ids: for the exact check behind equal id hashes.
    func reread() -> UsageLog? {
        guard let keys else { return nil }
        return UsageEventsFastCSV.read(path: path, accounts: keys, blockSize: blockSize)?.events
    }
}
