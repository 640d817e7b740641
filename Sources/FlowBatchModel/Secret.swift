/// A credential value that prints as `***` wherever it is interpolated, logged or dumped, so that
/// no code path can show it by accident. ``revealed`` is read only where the value must go out or be
/// compared: request bodies, the `Authorization` header, the IMS form, the redactor and the fingerprints.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The value itself; read it only where the type's summary says.
    public let revealed: String

    /// Wraps a value.
    public init(_ value: String) {
        revealed = value
    }

    public var description: String { "***" }
    public var debugDescription: String { "***" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}
