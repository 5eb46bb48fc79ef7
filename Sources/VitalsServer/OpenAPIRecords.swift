import VitalsCore
import VitalsFormats

/// The record routes' part of the OpenAPI document, written from the record kinds' descriptions: one schema per kind
/// (its columns, types and required fields) and, per kind, its upsert and delete operations.
extension OpenAPIDocument {
    static func schemaName(_ kind: RecordKind) -> String {
        kind.name.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined() + "Record"
    }

    static var recordSchemas: String {
        RecordKind.all.map { kind in
            let properties = kind.columns.map { column in
                "\(quoted(column.name)):\(columnSchema(column))"
            }
            let required = kind.requiredColumns.map(quoted).joined(separator: ",")
            let others = kind.otherColumns.map { "other fields are kept, each as a \($0)" } ?? "other fields are ignored"
            return "\(quoted(schemaName(kind))):{\"type\":\"object\",\"description\":\(quoted("One of the \(kind.label): \(kind.summary) (docs/data-format.md, \(kind.file)); \(others)")),"
                + "\"required\":[\(required)],\"properties\":{\(properties.joined(separator: ","))},\"additionalProperties\":true},"
        }.joined(separator: "\n")
    }

    /// A column's values as JSON: strings are accepted for every type (as in a CSV file), null for no value.
    static func columnSchema(_ column: RecordColumn) -> String {
        let null = column.required ? "" : ",\"null\""
        let meaning = column.meaning.isEmpty ? "" : ",\"description\":\(quoted(column.meaning))"
        switch column.type {
        case .id, .account, .text:
            return "{\"type\":[\"string\"\(null)]\(meaning)}"
        case .timestamp, .date:
            return "{\"type\":[\"string\"\(null)],\"description\":\(quoted("ISO 8601 with a UTC offset, or a date (midnight UTC)" + (column.meaning.isEmpty ? "" : "; " + column.meaning)))}"
        case .money:
            return "{\"type\":[\"string\",\"number\"\(null)],\"description\":\(quoted("a decimal amount in major units" + (column.meaning.isEmpty ? "" : "; " + column.meaning)))}"
        case .currency:
            return "{\"type\":[\"string\"\(null)],\"description\":\"an ISO 4217 code\"}"
        case .integer(let range):
            return "{\"type\":[\"integer\",\"string\"\(null)],\"minimum\":\(range.lowerBound),\"maximum\":\(range.upperBound)\(meaning)}"
        case .number(let range):
            var bounds = ""
            if let range {
                bounds += ",\"minimum\":\(ColumnType.plain(range.lowerBound))"
                if range.upperBound.isFinite { bounds += ",\"maximum\":\(ColumnType.plain(range.upperBound))" }
            }
            return "{\"type\":[\"number\",\"string\"\(null)]\(bounds)\(meaning)}"
        case .positiveNumber:
            return "{\"type\":[\"number\",\"string\"\(null)],\"exclusiveMinimum\":0\(meaning)}"
        case .boolean:
            return "{\"type\":[\"boolean\",\"string\"\(null)]\(meaning)}"
        case .choice(let words):
            return "{\"type\":[\"string\"\(null)],\"enum\":[\(words.map(quoted).joined(separator: ","))\(column.required ? "" : ",null")]\(meaning)}"
        }
    }

    /// `"post":{...}` (and, for kinds named by several fields, `"delete":{...}`) of `/api/v1/{kind}`.
    static func recordCollectionOperations(_ kind: RecordKind, _ failure: (String) -> String) -> String {
        let auth = "\"401\":\(failure("no valid key")),\"403\":\(failure("a key without the ingest scope"))"
        var operations = [
            """
            "post":{"operationId":"upsert\(schemaName(kind).dropLast(6))","summary":\(quoted("Create or replace \(kind.label) by their key (scope ingest): a JSON array of objects, or NDJSON, with the fields of \(kind.file) (docs/data-format.md). Stored whole or not at all; answered once durable.")),
             "requestBody":{"required":true,"content":{"application/json":{"schema":{"type":"array","items":{"$ref":"#/components/schemas/\(schemaName(kind))"}}},"application/x-ndjson":{"schema":{"type":"string"}}}},
             "responses":{"200":{"description":"stored","content":{"application/json":{"schema":{"type":"object","properties":{"stored":{"type":"integer"}}}}}},"400":\(failure("malformed JSON, naming the first bad element")),"413":{"description":"the body is larger than the limit (10 MB by default)"},"422":\(failure("records that fail the checks (unknown accounts, bad values), each as \(kind.name)[element].field: reason")),\(auth)}}
            """
        ]
        if case .fields(let keys, let optional) = kind.key {
            let parameters = keys.map { key in
                "{\"name\":\(quoted(key)),\"in\":\"query\",\"required\":\(!optional.contains(key)),\"schema\":{\"type\":\"string\"}}"
            }
            operations.append(
                """
                "delete":{"operationId":"delete\(schemaName(kind).dropLast(6))","summary":\(quoted("Delete one of the \(kind.label), named by \(keys.joined(separator: ", ")) (scope ingest)")),
                 "parameters":[\(parameters.joined(separator: ","))],
                 "responses":{"200":{"description":"deleted","content":{"application/json":{"schema":{"type":"object","properties":{"deleted":{"type":"integer"}}}}}},"400":\(failure("missing or bad key fields")),"404":\(failure("no such record in the key's workspace")),\(auth)}}
                """)
        }
        return operations.joined(separator: ",\n")
    }

    /// `"delete":{...}` of `/api/v1/{kind}/{id}`, for kinds named by an id.
    static func recordItemOperations(_ kind: RecordKind, _ failure: (String) -> String) -> String {
        let auth = "\"401\":\(failure("no valid key")),\"403\":\(failure("a key without the ingest scope"))"
        let takes = kind.id == .accounts ? "; an account takes its records with it" : kind.id == .subscriptions ? "; every version of the subscription" : ""
        return """
            "delete":{"operationId":"delete\(schemaName(kind).dropLast(6))","summary":\(quoted("Delete one of the \(kind.label) by its \(kind.idColumn ?? "id") (scope ingest)\(takes)")),
             "parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"string"}}],
             "responses":{"200":{"description":"deleted","content":{"application/json":{"schema":{"type":"object","properties":{"deleted":{"type":"integer"}}}}}},"404":\(failure("no such record in the key's workspace")),\(auth)}}
            """
    }

    /// The paths of every kind but accounts (whose paths also read, and are written with the account routes).
    static func recordPaths(_ failure: (String) -> String) -> String {
        RecordKind.all.filter { $0.id != .accounts }.map { kind in
            // Survey invitations are sent, not posted as records (SurveyAPIController).
            let collection = kind.id == .surveyInvitations ? surveyInvitationSend(failure) : recordCollectionOperations(kind, failure)
            var paths = "\(quoted("/api/v1/\(kind.name)")):{\(collection)},"
            if kind.idColumn != nil {
                paths += "\n\(quoted("/api/v1/\(kind.name)/{id}")):{\(recordItemOperations(kind, failure))},"
            }
            return paths
        }.joined(separator: "\n")
    }

    static func quoted(_ text: String) -> String { ReportJSON.quoted(text) }
}
