import FlowBatchModel

/// One line of the journal: an event (``JournalEvent``) and when it was written, a JSON object on
/// one line with the event's kind under `event` and its fields beside it.
///
/// Read through `Codable`; written by ``encoded()``, which puts the keys in a fixed order (the bytes
/// of earlier versions) with ``JSONWriter``: 4.1× faster than `JSONEncoder`, which writes the same
/// document (Benchmarks/JournalLine).
public struct JournalRecord: Codable, Sendable, Equatable {
    package var event: JournalEvent
    /// Epoch milliseconds.
    package var at: Int64

    package init(_ event: JournalEvent, at: Int64 = JournalClock.now()) {
        self.event = event
        self.at = at
    }

    private enum Key: String, CodingKey {
        case event, at, id, etag, code, error, result, step, attempt
        case requestID = "requestId"
    }

    public init(from decoder: any Decoder) throws {
        let line = try decoder.container(keyedBy: Key.self)
        at = try line.decode(Int64.self, forKey: .at)
        func row() throws -> JournalEvent.Row { try JournalEvent.Row(from: decoder) }
        func string(_ key: Key) throws -> String { try line.decode(String.self, forKey: key) }
        switch try string(.event) {
        case "manifest": event = .manifest(try JournalManifest(from: decoder))
        case "resume": event = .resume
        case "attempt": event = .attempt(try row(), try .init(from: decoder))
        case "patch": event = .patch(try row(), id: try string(.id), try .init(from: decoder))
        case "unsent": event = .unsent(try row())
        case "created": event = .created(try row(), try .init(from: decoder))
        case "exists": event = .exists(try row(), try .init(from: decoder))
        case "updated": event = .updated(try row(), try .init(from: decoder))
        case "failed": event = .failed(try row(), try .init(from: decoder))
        case "invalid": event = .invalid(try row(), code: try string(.code), error: try string(.error))
        case "deleted": event = .deleted(try row(), id: try string(.id), etag: try string(.etag))
        case "tested":
            let passed = try line.decode(Bool.self, forKey: .result)
            event = .tested(try row(), id: try string(.id), etag: try string(.etag), passed: passed)
        case let other where other.hasPrefix("step-"):
            guard let step = ChainStep(rawValue: try string(.step)), step != .connection else {
                throw DecodingError.dataCorruptedError(forKey: .step, in: line, debugDescription: "no step")
            }
            let stepEvent: JournalEvent.StepEvent
            switch other {
            case "step-attempt": stepEvent = .attempt(try line.decode(Int.self, forKey: .attempt))
            case "step-created":
                stepEvent = .created(
                    id: try string(.id),
                    requestID: try line.decodeIfPresent(String.self, forKey: .requestID)
                )
            case "step-exists": stepEvent = .exists(id: try string(.id))
            case "step-failed": stepEvent = .failed(try .init(from: decoder))
            case "step-deleted": stepEvent = .deleted(id: try string(.id))
            default:
                throw DecodingError.dataCorruptedError(forKey: .event, in: line, debugDescription: "no event \(other)")
            }
            event = .step(try row(), step, stepEvent)
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .event, in: line, debugDescription: "no event \(other)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var line = encoder.container(keyedBy: Key.self)
        try line.encode(kind, forKey: .event)
        try line.encode(at, forKey: .at)
        try event.row?.encode(to: encoder)
        switch event {
        case .manifest(let manifest): try manifest.encode(to: encoder)
        case .resume, .unsent: break
        case .attempt(_, let sending): try sending.encode(to: encoder)
        case .patch(_, let id, let sending):
            try sending.encode(to: encoder)
            try line.encode(id, forKey: .id)
        case .created(_, let connection), .exists(_, let connection), .updated(_, let connection):
            try connection.encode(to: encoder)
        case .failed(_, let failure): try failure.encode(to: encoder)
        case .invalid(_, let code, let error):
            try line.encode(code, forKey: .code)
            try line.encode(error, forKey: .error)
        case .deleted(_, let id, let etag), .tested(_, let id, let etag, _):
            try line.encode(id, forKey: .id)
            try line.encode(etag, forKey: .etag)
            if case .tested(_, _, _, let passed) = event { try line.encode(passed, forKey: .result) }
        case .step(_, let step, let stepEvent):
            try line.encode(step.rawValue, forKey: .step)
            switch stepEvent {
            case .attempt(let number): try line.encode(number, forKey: .attempt)
            case .created(let id, let requestID):
                try line.encode(id, forKey: .id)
                try line.encodeIfPresent(requestID, forKey: .requestID)
            case .exists(let id), .deleted(let id): try line.encode(id, forKey: .id)
            case .failed(let failure): try failure.encode(to: encoder)
            }
        }
    }

    /// The `event` key's value.
    private var kind: String {
        switch event {
        case .manifest: "manifest"
        case .resume: "resume"
        case .attempt: "attempt"
        case .patch: "patch"
        case .unsent: "unsent"
        case .created: "created"
        case .exists: "exists"
        case .updated: "updated"
        case .failed: "failed"
        case .invalid: "invalid"
        case .deleted: "deleted"
        case .tested: "tested"
        case .step(_, _, .attempt): "step-attempt"
        case .step(_, _, .created): "step-created"
        case .step(_, _, .exists): "step-exists"
        case .step(_, _, .failed): "step-failed"
        case .step(_, _, .deleted): "step-deleted"
        }
    }

    private static func write(_ failure: JournalEvent.Failure, to json: inout JSONWriter) {
        json.field("code", failure.code)
        json.field("error", failure.error)
        json.field("status", failure.status)
        json.key("ambiguous")
        json.bool(failure.ambiguous)
        json.field("requestId", failure.requestID)
    }

    /// The line, with its line break: the document ``encode(to:)`` writes, keys in a fixed order.
    public func encoded() -> [UInt8] {
        var json = JSONWriter(capacity: 256)
        json.beginObject()
        json.field("event", kind)
        json.field("at", Int(at))
        if let row = event.row {
            json.field("sandbox", row.sandbox)
            json.field("name", row.name)
            json.field("row", row.row)
        }
        switch event {
        case .manifest(let manifest): manifest.write(to: &json)
        case .resume, .unsent: break
        case .attempt(_, let sending), .patch(_, _, let sending):
            json.field("attempt", sending.attempt)
            json.field("fp", sending.content)
            json.field("sfp", sending.secrets)
            json.key("pre")
            json.beginArray()
            for id in sending.preexisting { json.string(id) }
            json.endArray()
            if let after = sending.createdAfter { json.field("after", Int(after)) }
            if case .patch(_, let id, _) = event { json.field("id", id) }
        case .created(_, let connection), .exists(_, let connection), .updated(_, let connection):
            json.field("fp", connection.content)
            json.field("sfp", connection.secrets)
            json.field("id", connection.id)
            json.field("etag", connection.etag)
            json.field("requestId", connection.requestID)
        case .step(_, let step, let stepEvent):
            json.field("step", step.rawValue)
            switch stepEvent {
            case .attempt(let number): json.field("attempt", number)
            case .created(let id, let requestID):
                json.field("id", id)
                json.field("requestId", requestID)
            case .exists(let id), .deleted(let id): json.field("id", id)
            case .failed(let failure): Self.write(failure, to: &json)
            }
        case .failed(_, let failure): Self.write(failure, to: &json)
        case .invalid(_, let code, let error):
            json.field("code", code)
            json.field("error", error)
        case .deleted(_, let id, let etag), .tested(_, let id, let etag, _):
            json.field("id", id)
            json.field("etag", etag)
            if case .tested(_, _, _, let passed) = event {
                json.key("result")
                json.bool(passed)
            }
        }
        json.endObject()
        var bytes = json.bytes
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}
