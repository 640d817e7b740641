import Testing

/// What a Flow Service problem answer must hold.
struct ProblemExpectation: Sendable {
    var status: Int
    /// `FLOW-<code>-<status>`.
    var code: String
    var title: String
    /// A part of the message that must appear.
    var messagePart: String

    /// Checks `answer` field by field, including that `report.request-id` echoes `x-request-id`.
    func check(_ answer: MockAnswer, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(answer.status == self.status, sourceLocation: sourceLocation)
        #expect(answer.header("content-type") == "application/problem+json", sourceLocation: sourceLocation)
        let body = try answer.object()
        #expect(
            body["type"] as? String == "https://ns.adobe.com/aep/errors/\(self.code)",
            sourceLocation: sourceLocation
        )
        #expect(body["title"] as? String == self.title, sourceLocation: sourceLocation)
        #expect(body["status"] as? Int == self.status, sourceLocation: sourceLocation)
        let report = try #require(body["report"] as? [String: String], sourceLocation: sourceLocation)
        let requestID = try #require(answer.requestID, sourceLocation: sourceLocation)
        #expect(report["request-id"] == requestID, sourceLocation: sourceLocation)
        let message = try #require(report["detailed-message"], sourceLocation: sourceLocation)
        #expect(message.contains(self.messagePart), "message: \(message)", sourceLocation: sourceLocation)
        #expect(body["errorMessage"] as? String == message, sourceLocation: sourceLocation)
        #expect(body["errorDetails"] as? String == message, sourceLocation: sourceLocation)
    }
}
