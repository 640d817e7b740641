extension AnswerFault {
    /// Parses the command-line form `KIND=SHARE`, e.g. `html-502=0.1`.
    ///
    /// - Throws: ``MockConfigurationError`` with code `invalidAnswerFault` for an unknown kind or a
    ///   missing `=`, `outOfRange` for a share outside `0...1`.
    public static func parseShare(_ text: String) throws(MockConfigurationError) -> (kind: AnswerFault, share: Double) {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let kind = AnswerFault(rawValue: String(parts[0])) else {
            throw MockConfigurationError(.invalidAnswerFault, option: "answer-fault", value: text)
        }
        guard let share = Double(parts[1]), share.isFinite, (0...1).contains(share) else {
            throw MockConfigurationError(.outOfRange, option: "answer-fault", value: text)
        }
        return (kind, share)
    }
}
