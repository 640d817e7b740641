import Testing

extension MockAnswer {
    /// The problem code of a Flow Service problem answer, `FLOW-1418-400` or `MOCK-4010-400`.
    var problemCode: String? {
        guard let type = (try? self.object())?["type"] as? String else { return nil }
        return type.split(separator: "/").last.map(String.init)
    }

    /// Expects a problem answer with `status` and `code` (`FLOW-1418-400`).
    func expectProblem(_ status: Int, _ code: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(self.status == status, "\(self.text)", sourceLocation: sourceLocation)
        #expect(self.problemCode == code, "\(self.text)", sourceLocation: sourceLocation)
        #expect(self.header("content-type") == "application/problem+json", sourceLocation: sourceLocation)
    }
}
