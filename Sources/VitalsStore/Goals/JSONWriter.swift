/// Writes JSON text in order, with commas where they belong.
struct JSONWriter {
    private(set) var text = ""
    private var needsComma = false

    mutating func begin(_ bracket: String) {
        if needsComma { text += "," }
        text += bracket
        needsComma = false
    }

    mutating func end(_ bracket: String) {
        text += bracket
        needsComma = true
    }

    mutating func key(_ name: String) {
        if needsComma { text += "," }
        text += ReportJSON.quoted(name) + ":"
        needsComma = false
    }

    mutating func raw(_ json: String) {
        if needsComma { text += "," }
        text += json
        needsComma = true
    }

    mutating func field(_ name: String, _ value: String?) {
        key(name)
        raw(value.map(ReportJSON.quoted) ?? "null")
    }

    mutating func field(_ name: String, _ value: Bool) {
        key(name)
        raw(value ? "true" : "false")
    }

    /// Whole numbers without a fraction; non-finite numbers as null.
    mutating func field(_ name: String, _ value: Double?) {
        key(name)
        guard let value, value.isFinite else { return raw("null") }
        raw(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value))
    }
}
