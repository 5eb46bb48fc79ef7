import VitalsStore

/// Writes JSON text directly, in order: faster than building dictionaries for `JSONSerialization`, and the field
/// order is the one a reader of the API documentation sees.
struct JSONText {
    private(set) var text = ""
    private var needsComma = false

    mutating func beginObject() {
        separate()
        text += "{"
        needsComma = false
    }

    mutating func endObject() {
        text += "}"
        needsComma = true
    }

    mutating func beginArray() {
        separate()
        text += "["
        needsComma = false
    }

    mutating func endArray() {
        text += "]"
        needsComma = true
    }

    /// A key; the value written next belongs to it.
    mutating func key(_ name: String) {
        separate()
        text += ReportJSON.quoted(name) + ":"
        needsComma = false
    }

    /// JSON text produced elsewhere, as the next value.
    mutating func raw(_ json: String) {
        separate()
        text += json
        needsComma = true
    }

    mutating func field(_ name: String, _ value: String?) {
        key(name)
        raw(value.map(ReportJSON.quoted) ?? "null")
    }

    mutating func field(_ name: String, _ value: Int) {
        key(name)
        raw(String(value))
    }

    mutating func field(_ name: String, _ value: Double) {
        key(name)
        raw(value.isFinite ? (value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)) : "null")
    }

    private mutating func separate() {
        if needsComma { text += "," }
    }
}
