/// Where one Platform setting came from, so that a message about it can say where to fix it.
public enum SettingSource: Sendable, Equatable, CustomStringConvertible {
    /// A command-line flag, e.g. `--ims-url`.
    case flag(String)
    /// An environment variable, e.g. `AEP_CLIENT_SECRET`.
    case environment(String)
    /// A key of the `--config` file, e.g. `client_secrets[0]`.
    case configFile(path: String, key: String)
    /// Implied by the `--config` file's `environment` value, mapped to hosts as aepp maps it.
    case configEnvironment(path: String, key: String, value: String)
    /// flowbatch's default.
    case builtIn

    /// E.g. "AEP_CLIENT_ID", "`client_secrets[0]` in the config file ./aepp.json".
    public var description: String {
        switch self {
        case .flag(let name), .environment(let name): name
        case .configFile(let path, let key): "`\(key)` in the config file \(path)"
        case .configEnvironment(let path, let key, let value): "`\(key): \(value)` in the config file \(path)"
        case .builtIn: "flowbatch's default"
        }
    }
}
