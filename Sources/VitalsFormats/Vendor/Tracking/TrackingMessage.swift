import Crypto
import Foundation
import VitalsCore

/// One message of a product-analytics tracker (Segment's tracking API, PostHog's capture API), in the form the store
/// applies it: an event on an account, a user joining an account, or nothing.
public struct TrackingMessage: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A usage event (Segment `track`, `page`, `screen`; a PostHog event).
        case event
        /// `user` belongs to account `group` from `timestamp` on; the account is created or updated from `traits`.
        case group
        /// Accepted and not stored (Segment `alias`, PostHog `$identify`...).
        case ignored
    }

    public var kind: Kind
    /// Segment's `messageId`, PostHog's `uuid`; else a hash of the message. An event's id in the store.
    public var messageID: String
    /// `userId`, else `anonymousId` (PostHog: `distinct_id`).
    public var user: String?
    public var event: String?
    /// The account named by the message itself: `context.groupId` (Segment), `$groups` (PostHog), `groupId` of a
    /// group call. `nil`: the user's latest group call decides.
    public var group: String?
    public var timestamp: Timestamp
    /// Group traits, as account fields: `name`, `industry`, `country`, `created_at`, others as attributes.
    public var traits: [String: String] = [:]
    public var properties: [String: String] = [:]
    public var durationSeconds: Double?
}

/// A message or request that breaks the tracking API's rules: 400 (or 413 when too large).
public struct TrackingError: Error, Sendable, CustomStringConvertible {
    public var tooLarge = false
    public var description: String
}

/// Reads Segment's tracking API (https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/)
/// and PostHog's capture API into `TrackingMessage`s.
public enum TrackingFormat {
    /// Segment's limits: a message of at most 32 KB, a request (batch) of at most 500 KB, both as JSON.
    public static let maxMessageBytes = 32 * 1024
    public static let maxBatchBytes = 500 * 1024

    /// The messages of a Segment request: a batch (`{"batch": [...]}`) or one message, whose type is `type` (from the
    /// route) unless it says otherwise.
    public static func segment(_ body: [String: Any], type routeType: String?, receivedAt: Timestamp) throws(TrackingError) -> [TrackingMessage] {
        let raw: [[String: Any]]
        if routeType == nil {
            guard let batch = body["batch"] as? [Any] else { throw TrackingError(description: "batch: an array of messages is required") }
            raw = try batch.enumerated().map { (i, m) throws(TrackingError) in
                guard let m = m as? [String: Any] else { throw TrackingError(description: "batch[\(i)]: not an object") }
                return m
            }
        } else {
            raw = [body]
        }
        // A batch's own `context` applies to each message, under the message's own.
        let shared = routeType == nil ? body.object("context") : nil
        return try raw.enumerated().map { (i, m) throws(TrackingError) in
            let at = routeType == nil ? "batch[\(i)]" : "message"
            try checkSize(m, at)
            var m = m
            if let shared { m["context"] = shared.merging(m.object("context") ?? [:]) { _, own in own } }
            return try segmentMessage(m, type: m.string("type") ?? routeType ?? "", at: at, receivedAt: receivedAt)
        }
    }

    static func segmentMessage(_ m: [String: Any], type: String, at: String, receivedAt: Timestamp) throws(TrackingError) -> TrackingMessage {
        let user = m.string("userId") ?? m.string("anonymousId")
        let context = m.object("context") ?? [:]
        var message = TrackingMessage(
            kind: .ignored, messageID: m.string("messageId") ?? hashID(m), user: user, event: nil,
            group: context.string("groupId"), timestamp: try time(m, at, receivedAt: receivedAt))
        switch type {
        case "track", "page", "screen":
            guard let user, !user.isEmpty else { throw TrackingError(description: "\(at): userId or anonymousId is required") }
            message.kind = .event
            let properties = m.object("properties") ?? [:]
            switch type {
            case "track":
                guard let event = m.string("event"), !event.isEmpty else { throw TrackingError(description: "\(at): event: a track call needs an event name") }
                message.event = event
            case "page": message.event = "page_viewed"
            default: message.event = "screen_viewed"
            }
            if type != "track", let name = m.string("name") { message.properties["name"] = name }
            for (k, v) in properties where !(v is NSNull) { message.properties[VendorCSV.attributeName(k)] = JSONBody.text(v) }
            message.durationSeconds = try duration(properties, at)
            message.properties["duration_seconds"] = nil
        case "group":
            guard let group = m.string("groupId"), !group.isEmpty else { throw TrackingError(description: "\(at): groupId: a group call needs a groupId") }
            message.kind = .group
            message.group = group
            message.traits = traits(m.object("traits") ?? [:])
        case "identify":
            // An identify that names the user's company (traits.company.id, else context.groupId) groups the user.
            let company = m.object("traits")?.object("company")
            if let group = company?.string("id") ?? context.string("groupId"), user != nil {
                message.kind = .group
                message.group = group
                if let name = company?.string("name") { message.traits["name"] = name }
            }
        case "alias": break
        default: throw TrackingError(description: "\(at): type: '\(type)' is not track, identify, group, page, screen or alias")
        }
        return message
    }

    /// The events of a PostHog capture request: `{"api_key", "batch": [...]}` or one event.
    public static func posthog(_ body: [String: Any], receivedAt: Timestamp) throws(TrackingError) -> [TrackingMessage] {
        let raw: [Any] = (body["batch"] as? [Any]) ?? [body]
        return try raw.enumerated().map { (i, e) throws(TrackingError) in
            let at = "batch[\(i)]"
            guard let e = e as? [String: Any] else { throw TrackingError(description: "\(at): not an object") }
            try checkSize(e, at)
            guard let name = e.string("event"), !name.isEmpty else { throw TrackingError(description: "\(at): event is required") }
            let properties = e.object("properties") ?? [:]
            let user = e.string("distinct_id") ?? properties.string("distinct_id")
            var message = TrackingMessage(
                kind: .ignored, messageID: e.string("uuid") ?? e.string("$uuid") ?? hashID(e), user: user, event: nil, group: nil,
                timestamp: try time(e, at, receivedAt: receivedAt))
            switch name {
            case "$groupidentify":
                guard let key = properties.string("$group_key"), !key.isEmpty else { throw TrackingError(description: "\(at): $group_key is required") }
                message.kind = .group
                message.group = key
                message.user = nil  // a group's own properties; users join it through $groups on their events
                message.traits = traits(properties.object("$group_set") ?? [:])
            case "$identify", "$create_alias", "$merge_dangerously", "$set", "$feature_flag_called": break
            default:
                guard let user, !user.isEmpty else { throw TrackingError(description: "\(at): distinct_id is required") }
                message.kind = .event
                message.event = name
                message.group = group(properties.object("$groups") ?? [:])
                for (k, v) in properties where !k.hasPrefix("$") && k != "distinct_id" && !(v is NSNull) {
                    message.properties[VendorCSV.attributeName(k)] = JSONBody.text(v)
                }
                message.durationSeconds = try duration(properties, at)
                message.properties["duration_seconds"] = nil
            }
            return message
        }
    }

    /// The account among PostHog's `$groups`: the `company`, `organization`, `account` or `workspace` group, else
    /// the first by group type.
    static func group(_ groups: [String: Any]) -> String? {
        for type in ["company", "organization", "account", "workspace"] { if let key = groups.string(type), !key.isEmpty { return key } }
        return groups.keys.sorted().lazy.compactMap { groups.string($0) }.first { !$0.isEmpty }
    }

    /// Group traits as account fields (Segment's reserved traits `name`, `industry`, `createdAt`, `address.country`).
    static func traits(_ t: [String: Any]) -> [String: String] {
        var out: [String: String] = [:]
        for (key, value) in t where !(value is NSNull) {
            switch key {
            case "createdAt", "created_at": out["created_at"] = JSONBody.text(value)
            case "address": if let country = (value as? [String: Any])?.string("country") { out["country"] = country }
            default: out[VendorCSV.attributeName(key)] = JSONBody.text(value)
            }
        }
        return out
    }

    /// The `duration_seconds` property: a number of seconds, 0 or more.
    private static func duration(_ properties: [String: Any], _ at: String) throws(TrackingError) -> Double? {
        guard properties["duration_seconds"] != nil, !(properties["duration_seconds"] is NSNull) else { return nil }
        guard let seconds = properties.double("duration_seconds"), seconds >= 0, seconds.isFinite else {
            throw TrackingError(description: "\(at): properties.duration_seconds: must be a number of seconds, 0 or more")
        }
        return seconds
    }

    private static func checkSize(_ m: [String: Any], _ at: String) throws(TrackingError) {
        let size = (try? JSONSerialization.data(withJSONObject: m).count) ?? 0
        guard size <= maxMessageBytes else {
            throw TrackingError(tooLarge: true, description: "\(at): the message is \(size) bytes, more than the \(maxMessageBytes) a message may be")
        }
    }

    /// `timestamp` (else `originalTimestamp`), ISO 8601 with an offset; the time received when absent.
    private static func time(_ m: [String: Any], _ at: String, receivedAt: Timestamp) throws(TrackingError) -> Timestamp {
        guard let text = m.string("timestamp") ?? m.string("originalTimestamp") else { return receivedAt }
        do {
            return try Timestamp.parse(text)
        } catch {
            throw TrackingError(description: "\(at): timestamp: \(error)")
        }
    }

    /// A stable id for a message that has none: the SHA-256 of its JSON, so a resent copy is a duplicate.
    private static func hashID(_ m: [String: Any]) -> String {
        "sha256:" + SHA256.hash(data: Data(JSONBody.text(m).utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
