import Foundation
import VitalsCore
import VitalsFormats

/// A bounded, seeded fuzzer for the parsers that take untrusted text (issue 26): the CSV reader, the JSON decoder,
/// the segment parser and the timestamp parser each get COUNT inputs, made by mutating valid examples (bytes flipped,
/// inserted, deleted, and the characters parsers trip on: quotes, separators, digits, huge numbers, control bytes,
/// multi-byte UTF-8) and by generating random text. A trap ends the process with a non-zero status and the input
/// says which input it was (the run is deterministic: the same COUNT, SEED and target make it again); errors the
/// parsers report are the expected outcome.
///
/// Usage: vitals-fuzz [COUNT] [SEED] [TARGET...]   (targets: csv json segment timestamp; default all)

/// Pieces that parsers tend to trip on.
let tokens: [[UInt8]] = [
    "\"", "\"\"", ",", "\n", "\r\n", "\r", "\t", " ", "\0", "\u{7F}", "-", "+", ".", "e", "E", "9223372036854775807",
    "-9223372036854775808", "99999999999999999999", "1e308", "-0", "00", "NaN", "inf", "0000-01-01", "9999-12-31",
    "2024-02-30", "2024-03-01T25:61:61Z", "+14:00", "Z", "T", "é", "😀", "\u{FFFD}", "{", "}", "[", "]", ":", "\\u0000",
    "\\ud800", "\\", "null", "true", "false", "=", "!=", "in", "not", "(", ")", "and", "or", "'", "*", "%",
].map { Array($0.utf8) }

struct Mutator {
    var rng: SplitMix64

    mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(max(1, n))) }

    mutating func mutate(_ seed: [UInt8]) -> [UInt8] {
        var bytes = seed
        for _ in 0..<(1 + int(8)) {
            let at = int(bytes.count + 1)
            switch int(6) {
            case 0 where !bytes.isEmpty: bytes[min(at, bytes.count - 1)] = UInt8(truncatingIfNeeded: rng.next())
            case 1: bytes.insert(contentsOf: tokens[int(tokens.count)], at: at)
            case 2 where !bytes.isEmpty:
                let end = min(bytes.count, at + int(16))
                bytes.removeSubrange(min(at, end)..<end)
            case 3 where !bytes.isEmpty:
                // Repeat a slice: long fields, deep nesting.
                let from = int(bytes.count)
                let slice = bytes[from..<min(bytes.count, from + 1 + int(8))]
                for _ in 0..<(1 + int(64)) { bytes.insert(contentsOf: slice, at: min(at, bytes.count)) }
            case 4: bytes.insert(contentsOf: (0..<int(24)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: at)
            default: bytes.insert(contentsOf: tokens[int(tokens.count)], at: at)
            }
        }
        return bytes
    }

    mutating func input(from seeds: [[UInt8]]) -> [UInt8] {
        int(10) == 0 ? (0..<int(200)).map { _ in UInt8(truncatingIfNeeded: rng.next()) } : mutate(seeds[int(seeds.count)])
    }
}

/// Writes a line at once (unbuffered), so that what was said before a crash is not lost with the process.
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

/// VITALS_FUZZ_SHOW=N prints input N (of each target) before trying it: to see the one a crash named.
let show = ProcessInfo.processInfo.environment["VITALS_FUZZ_SHOW"].flatMap { Int($0) }
func shown(_ i: Int, _ bytes: [UInt8]) -> [UInt8] {
    if i == show {
        say("input \(i): \(String(reflecting: String(decoding: bytes, as: UTF8.self)))")
    }
    return bytes
}

let arguments = CommandLine.arguments.dropFirst()
let count = arguments.first.flatMap { Int($0) } ?? 1_000_000
let seed = arguments.dropFirst().first.flatMap { UInt64($0) } ?? 1
var targets = Array(arguments.dropFirst(2))
if targets.isEmpty { targets = ["csv", "json", "segment", "timestamp"] }

let accounts = [Account(id: "a", name: "A", industry: "Retail"), Account(id: "b", name: "B")]
let csvSeeds: [(file: String, text: String)] = [
    ("tickets.csv", "ticket_id,account_id,opened_at,resolved_at,agent_replies,reopens,first_contact_resolution,channel\nt1,a,2024-02-03,2024-02-04T10:00:00Z,2,0,true,email\nt2,b,2024-02-05,,,,,\n"),
    ("subscriptions.csv", "subscription_id,account_id,product,amount,currency,interval,interval_count,quantity,discount_percent,status,valid_from,valid_to\ns1,a,Core,49.90,USD,month,1,3,10,active,2024-01-01,2024-06-01\ns1,a,Core,59.90,USD,month,1,3,,past_due,2024-06-01,\n"),
    ("usage_events.csv", "event_id,account_id,user_id,event,occurred_at,duration_seconds,browser\ne1,a,u1,login,2024-03-04T08:00:00Z,420,firefox\ne2,b,u2,\"ex,port\",2024-03-05,,\n"),
    ("accounts.csv", "account_id,name,created_at,csm,industry,referred_by,tier\nc,C Corp,2024-01-01,ana,Retail,,gold\nd,\"D, Inc.\",,bo,,c,\n"),
    ("survey_responses.csv", "response_id,account_id,survey,score,scale_min,scale_max,responded_at,contact,comment\nr1,a,nps,9,,,2024-02-01,x@y.z,\"great, \"\"really\"\"\"\n"),
]
let jsonSeeds: [(kind: RecordKind, text: String, ndjson: Bool)] = [
    (.tickets, #"[{"ticket_id":"t1","account_id":"a","opened_at":"2024-02-03","agent_replies":2,"first_contact_resolution":true},{"ticket_id":"t2","account_id":"b","opened_at":"2024-02-05T10:00:00+02:00","resolved_at":null}]"#, false),
    (.usageEvents, "{\"event_id\":\"e1\",\"account_id\":\"a\",\"user_id\":\"u1\",\"event\":\"login\",\"occurred_at\":\"2024-03-04T08:00:00Z\",\"duration_seconds\":4.2e2,\"ctx\":{\"b\":[1,2,{\"c\":\"\\u00e9\"}]}}\n{\"event_id\":\"e2\",\"account_id\":\"b\",\"user_id\":\"u2\",\"event\":\"x\",\"occurred_at\":\"2024-03-05\"}\n", true),
    (.subscriptions, #"[{"subscription_id":"s1","account_id":"a","product":"Core","amount":"49.90","currency":"usd","interval":"month","quantity":3,"valid_from":"2024-01-01"}]"#, false),
]
let segmentSeeds = ["industry in (Retail, Media) and csm=ana", "tier != gold or country = US", "not industry = Retail", "mrr > 100"]
let timestampSeeds = ["2024-03-01", "2024-03-01T12:00:00Z", "2024-03-01T12:00:00.250+02:00", "2024-03-01 12:00Z", "1900-01-01"]

/// The input being tried, for the message of a trap. A signal handler may not allocate, so the message is written
/// into memory set aside before, and the number is written digit by digit.
nonisolated(unsafe) var current = 0
nonisolated(unsafe) let message = UnsafeMutablePointer<UInt8>.allocate(capacity: 80)
let crashPrefix = Array("\nvitals-fuzz: crashed on input ".utf8)

func onTrap(_ number: Int32) {
    var length = 0
    for byte in crashPrefix {
        message[length] = byte
        length += 1
    }
    // The digits, least significant first, then turned round in place.
    let start = length
    var n = current
    repeat {
        message[length] = UInt8(48 + n % 10)
        n /= 10
        length += 1
    } while n > 0
    var (low, high) = (start, length - 1)
    while low < high {
        (message[low], message[high]) = (message[high], message[low])
        low += 1
        high -= 1
    }
    message[length] = 10
    _ = write(2, message, length + 1)
    signal(number, SIG_DFL)
    raise(number)
}
signal(SIGILL, onTrap)
signal(SIGTRAP, onTrap)

for target in targets {
    var mutator = Mutator(rng: SplitMix64(state: seed &+ UInt64(target.utf8.reduce(0) { $0 &* 31 &+ Int($1) })))
    var rejected = 0
    let started = Date()
    say("\(target): seed \(seed)")
    for i in 0..<count {
        current = i
        switch target {
        case "csv":
            let pick = csvSeeds[mutator.int(csvSeeds.count)]
            let bytes = shown(i, mutator.input(from: [Array(pick.text.utf8)]))
            do { _ = try DatasetLoader.load(files: [pick.file: bytes], reportingCurrency: .usd, knownAccounts: accounts) } catch { rejected += 1 }
        case "json":
            let pick = jsonSeeds[mutator.int(jsonSeeds.count)]
            let bytes = shown(i, mutator.input(from: [Array(pick.text.utf8)]))
            do {
                _ = try DatasetLoader.load(json: bytes, kind: pick.kind, ndjson: pick.ndjson, reportingCurrency: .usd, knownAccounts: accounts)
            } catch { rejected += 1 }
        case "segment":
            let text = String(decoding: shown(i, mutator.input(from: segmentSeeds.map { Array($0.utf8) })), as: UTF8.self)
            do { _ = try SegmentFilter.parse(text, knownAttributes: ["industry", "csm", "tier", "country", "mrr"]) } catch { rejected += 1 }
        case "timestamp":
            let text = String(decoding: shown(i, mutator.input(from: timestampSeeds.map { Array($0.utf8) })), as: UTF8.self)
            do { _ = try Timestamp.parse(text) } catch { rejected += 1 }
        default:
            say("vitals-fuzz: unknown target '\(target)' (csv, json, segment, timestamp)")
            exit(2)
        }
        if i > 0 && i % 250_000 == 0 { say("  \(target): \(i) inputs") }
    }
    let seconds = Date().timeIntervalSince(started)
    say(String(format: "%@: %d inputs, %d refused with a message, none crashed, %.1f s (%.0f inputs/s)", target, count, rejected, seconds, Double(count) / seconds))
}
exit(0)
