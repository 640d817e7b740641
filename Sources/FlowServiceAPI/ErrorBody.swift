import Foundation

/// Reads the bodies of error answers: the gateway's `{"error_code", "message"}`, the Flow Service's
/// problem documents, and IMS's `{"error", "error_description"}`.
enum ErrorBody {
    private struct Gateway: Decodable {
        var error_code: String
        var message: String?
    }

    private struct Problem: Decodable {
        struct Report: Decodable {
            var detailedMessage: String?
            enum CodingKeys: String, CodingKey {
                case detailedMessage = "detailed-message"
            }
        }

        var type: String?
        var title: String?
        var errorMessage: String?
        var detail: String?
        var report: Report?
    }

    /// Decodes an error answer's body into a failure; never fails.
    static func failure(
        status: Int,
        body: [UInt8],
        requestID: String?,
        retryAfter: Double?,
        redactor: Redactor
    ) -> ServiceFailure {
        let decoder = JSONDecoder()
        if let gateway = try? decoder.decode(Gateway.self, from: Data(body)) {
            return ServiceFailure(
                status: status,
                source: .gateway,
                code: gateway.error_code,
                message: redactor.clean(gateway.message ?? "no message"),
                requestID: requestID,
                retryAfter: retryAfter
            )
        }
        if let problem = try? decoder.decode(Problem.self, from: Data(body)),
            problem.type != nil || problem.errorMessage != nil || problem.title != nil
        {
            let code = problem.type.flatMap(flowCode(inType:))
            let message =
                problem.errorMessage ?? problem.report?.detailedMessage ?? problem.detail ?? problem.title
                ?? "no message"
            return ServiceFailure(
                status: status,
                source: .flowService,
                code: code,
                message: redactor.clean(message),
                requestID: requestID,
                retryAfter: retryAfter
            )
        }
        return ServiceFailure(
            status: status,
            source: .other,
            code: nil,
            message: "HTTP \(status) with a body that is not an API error" + describe(body, redactor: redactor),
            requestID: requestID,
            retryAfter: retryAfter
        )
    }

    /// `FLOW-1413-400` from `https://ns.adobe.com/aep/errors/FLOW-1413-400`: the last segment of the
    /// problem type when it is shaped `PREFIX-NUMBER-STATUS` (Adobe's services use other prefixes than
    /// `FLOW` too).
    static func flowCode(inType type: String) -> String? {
        guard let last = type.split(separator: "/").last else { return nil }
        let parts = last.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty,
            parts[0].allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }),
            !parts[1].isEmpty, parts[1].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isNumber),
            parts[2].count == 3, parts[2].allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        return String(last)
    }

    /// A short, printable excerpt of a body that is not JSON: the title of an HTML page, or its start.
    private static func describe(_ body: [UInt8], redactor: Redactor) -> String {
        guard !body.isEmpty else { return " (empty)" }
        let text = String(decoding: body.prefix(4096), as: UTF8.self)
        if let start = text.range(of: "<title>", options: .caseInsensitive),
            let end = text.range(of: "</title>", options: .caseInsensitive, range: start.upperBound..<text.endIndex)
        {
            return ": \"\(redactor.clean(String(text[start.upperBound..<end.lowerBound])))\""
        }
        return ""
    }
}
