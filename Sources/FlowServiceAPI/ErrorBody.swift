import FlowBatchModel
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

    /// Reads an error answer as the error it is; never fails. Messages echoed from the body are
    /// cleaned by `redactor`.
    static func refusal(of answer: ServiceAnswer, redactor: Redactor) -> RunError {
        let decoder = JSONDecoder()
        func refusal(_ code: RunError.Code, _ message: String, serviceCode: String? = nil) -> RunError {
            RunError(
                code,
                message,
                httpStatus: answer.status,
                serviceCode: serviceCode,
                requestID: answer.requestID,
                retryAfter: answer.retryAfter
            )
        }
        if let gateway = try? decoder.decode(Gateway.self, from: Data(answer.body)) {
            return refusal(
                .gatewayRefused,
                redactor.clean(gateway.message ?? "no message"),
                serviceCode: gateway.error_code
            )
        }
        if let problem = try? decoder.decode(Problem.self, from: Data(answer.body)),
            problem.type != nil || problem.errorMessage != nil || problem.title != nil
        {
            let message =
                problem.errorMessage ?? problem.report?.detailedMessage ?? problem.detail ?? problem.title
                ?? "no message"
            return refusal(
                .serviceRefused,
                redactor.clean(message),
                serviceCode: problem.type.flatMap(flowCode(inType:))
            )
        }
        return refusal(
            .httpRefused,
            "HTTP \(answer.status) with a body that is not an API error" + describe(answer.body, redactor: redactor)
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
