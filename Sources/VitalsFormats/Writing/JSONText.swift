/// Writes JSON text directly, in order, with commas where they belong: faster than building dictionaries for
/// `JSONSerialization`, and the field order is the one a reader of the documentation sees. The API's and the goal
/// exports' JSON are written with it.
public struct JSONText: Sendable {
    public private(set) var text = ""
    private var needsComma = false

    public init() {}

    public mutating func beginObject() { begin("{") }
    public mutating func endObject() { end("}") }
    public mutating func beginArray() { begin("[") }
    public mutating func endArray() { end("]") }

    /// Opens an object or array (`{` or `[`) as the next value.
    public mutating func begin(_ bracket: String) {
        if needsComma { text += "," }
        text += bracket
        needsComma = false
    }

    /// Closes what `begin` opened.
    public mutating func end(_ bracket: String) {
        text += bracket
        needsComma = true
    }

    /// A key; the value written next belongs to it.
    public mutating func key(_ name: String) {
        if needsComma { text += "," }
        text += ReportJSON.quoted(name) + ":"
        needsComma = false
    }

    /// JSON text produced elsewhere, as the next value.
    public mutating func raw(_ json: String) {
        if needsComma { text += "," }
        text += json
        needsComma = true
    }

    public mutating func field(_ name: String, _ value: String?) {
        key(name)
        raw(value.map(ReportJSON.quoted) ?? "null")
    }

    public mutating func field(_ name: String, _ value: Int) {
        key(name)
        raw(String(value))
    }

    public mutating func field(_ name: String, _ value: Bool) {
        key(name)
        raw(value ? "true" : "false")
    }

    /// Whole numbers without a fraction; non-finite numbers (and nil) as null.
    public mutating func field(_ name: String, _ value: Double?) {
        key(name)
        guard let value, value.isFinite else { return raw("null") }
        raw(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value))
    }
}
