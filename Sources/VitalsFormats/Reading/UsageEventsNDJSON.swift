import Foundation
import VitalsCore

extension RecordReader {
    /// Reads usage_events.ndjson: one JSON object per line with the canonical field names; other fields become
    /// properties. The objects are turned into one CSV table so that both formats share every check.
    mutating func readUsageEventsNDJSON(file: String, bytes: [UInt8]) {
        var rows: [[String: String]] = []
        var lines: [Int] = []
        var keys: Set<String> = []
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            lineNumber += 1
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            defer { start = end + 1 }
            let lineBytes = bytes[start..<end]
            guard lineBytes.contains(where: { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 }) else { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(lineBytes)) as? [String: Any] else {
                log.add(file, lineNumber, nil, "not a JSON object")
                continue
            }
            var fields: [String: String] = [:]
            for (key, value) in object {
                switch value {
                case let text as String: fields[key] = text
                case let number as NSNumber: fields[key] = number.stringValue
                case is NSNull: continue
                default:
                    if let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) {
                        fields[key] = String(decoding: data, as: UTF8.self)
                    }
                }
            }
            keys.formUnion(fields.keys)
            rows.append(fields)
            lines.append(lineNumber)
        }
        guard !rows.isEmpty else { return }
        let columns = keys.sorted()
        var csv: [UInt8] = []
        func append(_ text: String) {
            csv.append(0x22)
            for byte in text.utf8 {
                if byte == 0x22 { csv.append(0x22) }
                csv.append(byte)
            }
            csv.append(0x22)
        }
        for (i, column) in columns.enumerated() {
            if i > 0 { csv.append(0x2C) }
            append(column)
        }
        for row in rows {
            csv.append(0x0A)
            for (i, column) in columns.enumerated() {
                if i > 0 { csv.append(0x2C) }
                if let value = row[column] { append(value) }
            }
        }
        read(file: file, bytes: csv, sourceLines: lines)
    }
}
