import Foundation
import VitalsCore

/// Small helpers for writing the text and HTML parts of emails: escaping, links, a page wrapper whose look matches
/// the dashboard's without any stylesheet (mail clients drop them).
public enum MailBodies {
    /// `text` safe inside HTML text and attribute values.
    public static func escape(_ text: String) -> String { HTMLEscape.text(text) }

    /// A path segment percent-encoded (an account id in a link).
    public static func segment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// An HTML document around `body` (already HTML), with `title` as its heading.
    public static func page(title: String, body: String) -> String {
        """
        <!doctype html><html><head><meta charset="utf-8"><title>\(escape(title))</title></head>\
        <body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2933;max-width:640px;margin:0 auto;padding:16px">\
        <h1 style="font-size:20px">\(escape(title))</h1>\(body)</body></html>
        """
    }

    /// A table cell style shared by the emails' tables.
    static let cell = "style=\"padding:4px 8px;border-bottom:1px solid #e4e7eb;text-align:left\""
    static let numberCell = "style=\"padding:4px 8px;border-bottom:1px solid #e4e7eb;text-align:right\""
}
