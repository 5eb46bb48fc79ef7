import Foundation

/// Turns records sent as JSON (an array of objects, or NDJSON: one object a line) into canonical CSV, so that the
/// HTTP API checks them exactly as an import of the same file would.
public enum RecordsJSON {
    public struct Malformed: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// CSV with a header of every key (in order of first appearance) and one row per object. Strings are kept,
    /// numbers and booleans written as text, null and absent keys left empty. The first bad element is named.
    public static func csv(from body: [UInt8], ndjson: Bool) throws(Malformed) -> (csv: [UInt8], count: Int) {
        // Most bodies are flat records of plain values: read without Foundation, to the same CSV.
        if let fast = FlatJSONRecords.csv(from: body, ndjson: ndjson) { return fast }
        return try foundationCSV(from: body, ndjson: ndjson)
    }

    /// `csv(from:ndjson:)` through Foundation's JSON parser: any JSON, and the messages for bad bodies.
    static func foundationCSV(from body: [UInt8], ndjson: Bool) throws(Malformed) -> (csv: [UInt8], count: Int) {
        var objects: [[String: Any]] = []
        if ndjson {
            var number = 0
            for line in body.split(separator: 0x0A, omittingEmptySubsequences: false) {
                number += 1
                guard line.contains(where: { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 }) else { continue }
                guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                    throw Malformed(description: "line \(number) is not a JSON object")
                }
                objects.append(object)
            }
        } else {
            let parsed: Any
            do { parsed = try JSONSerialization.jsonObject(with: Data(body)) } catch {
                throw Malformed(description: "the body is not JSON (\(error.localizedDescription))")
            }
            guard let array = parsed as? [Any] else { throw Malformed(description: "the body must be a JSON array of objects") }
            for (i, element) in array.enumerated() {
                guard let object = element as? [String: Any] else {
                    throw Malformed(description: "element \(i) is not a JSON object")
                }
                objects.append(object)
            }
        }
        var columns: [String] = []
        var known: Set<String> = []
        for object in objects {
            for key in object.keys.sorted() where known.insert(key).inserted { columns.append(key) }
        }
        var out = CSVOutput(capacity: 64 * (objects.count + 1))
        for (i, column) in columns.enumerated() { out.field(column, last: i == columns.count - 1) }
        for (index, object) in objects.enumerated() {
            for (i, column) in columns.enumerated() {
                let text: String?
                switch object[column] {
                case nil, is NSNull: text = nil
                case let string as String: text = string
                case let number as NSNumber:
                    // JSON true and false arrive as NSNumbers of type char ("c"); write them as the words the format expects.
                    text = String(cString: number.objCType) == "c" ? (number.boolValue ? "true" : "false") : number.stringValue
                default:
                    throw Malformed(description: "element \(index): \(column) must be a string, number, boolean or null")
                }
                out.field(text, last: i == columns.count - 1)
            }
        }
        return (Array(out.buffer), objects.count)
    }
}
