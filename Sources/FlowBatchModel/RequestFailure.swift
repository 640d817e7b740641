/// What a failed request came to, for the results file: the service's code (or flowbatch's, such as
/// `connection-reset`), a message fit to show, and what the answer carried.
public struct RequestFailure: Sendable, Equatable {
    public var code: String
    public var message: String
    public var httpStatus: Int? = nil
    public var requestID: String? = nil

    package init(code: String, message: String, httpStatus: Int? = nil, requestID: String? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.requestID = requestID
    }
}
