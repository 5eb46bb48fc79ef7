import VitalsApp
import VitalsCore

/// The segment picker beside the expression box (docs/segments in docs/metrics.md): an attribute, `=` or `!=`, and a
/// value chosen from those the accounts have, added to the segment with `and`. It only writes the expression a person
/// could type, so the segment stays one text that links and downloads carry.
struct SegmentPicker: Sendable {
    /// Attributes worth segmenting by (2 to 50 distinct values) with their values, sorted.
    var attributes: [(name: String, values: [String])]

    static func of(_ view: WorkspaceView) -> SegmentPicker {
        let names = DashboardController.segmentAttributes(view)
        return SegmentPicker(attributes: names.map { name in
            (name, Set(view.dataset.accounts.compactMap { $0.attribute(name) }).sorted())
        })
    }

    /// The clause the picker's fields ask for (`industry = 'Retail'`), nil when they ask for none, or why they cannot.
    static func clause(_ parameters: [String: String]) -> Result<String?, PickerProblem> {
        guard let attribute = parameters["pick_attr"]?.trimmingCharacters(in: .whitespaces), !attribute.isEmpty,
            let value = parameters["pick_value"]?.trimmingCharacters(in: .whitespaces), !value.isEmpty
        else { return .success(nil) }
        guard attribute.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            return .failure(PickerProblem(text: "'\(attribute)' is not an attribute name"))
        }
        let op = parameters["pick_op"] == "!=" ? "!=" : "="
        // Quoted so that spaces, commas and words like `and` stay part of the value.
        let quote: Character = value.contains("'") ? "\"" : "'"
        guard !(value.contains("'") && value.contains("\"")) else {
            return .failure(PickerProblem(text: "a value with both ' and \" cannot be picked: type it in the segment box"))
        }
        return .success("\(attribute) \(op) \(quote)\(value)\(quote)")
    }

    struct PickerProblem: Error { var text: String }

    /// The picker's fields, for the filter form.
    var controls: HTML {
        guard !attributes.isEmpty else { return "" }
        let names = attributes.map { a -> HTML in "<option value=\"\(a.name)\">\(a.name)</option>" }
        let values = attributes.flatMap { a in a.values.map { (a.name, $0) } }.map { name, value -> HTML in
            "<option value=\"\(value)\" label=\"\(name): \(value)\">"
        }
        return """
            <label>Add<select name="pick_attr" aria-label="Attribute to filter on"><option value="">attribute</option>\(names)</select></label>\
            <label>&nbsp;<select name="pick_op" aria-label="Comparison"><option value="=">is</option><option value="!=">is not</option></select></label>\
            <label>&nbsp;<input name="pick_value" list="segment-values" size="12" placeholder="value" aria-label="Value"></label>\
            <datalist id="segment-values">\(values)</datalist>
            """
    }
}
