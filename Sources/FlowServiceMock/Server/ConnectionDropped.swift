/// Thrown by a handler that wants the TCP connection closed without an answer.
struct ConnectionDropped: Error {}
