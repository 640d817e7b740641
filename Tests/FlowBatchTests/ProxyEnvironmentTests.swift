import FlowBatch
import FlowBatchModel
import FlowServiceAPI
import Testing

@Suite("Proxy variables, read as curl reads them", .timeLimit(.minutes(1)))
struct ProxyEnvironmentTests {
    @Test("https URLs use https_proxy, lower case winning over HTTPS_PROXY; http URLs use http_proxy only")
    func variablePerScheme() throws {
        let proxies = try ProxyEnvironment.from([
            "HTTPS_PROXY": "http://upper.example:1",
            "https_proxy": "lower.example:2",
            "http_proxy": "http://plain.example:3/",
        ])
        #expect(proxies.proxy(for: "https://platform.adobe.io/data")?.description == "http://lower.example:2")
        #expect(proxies.proxy(for: "https://platform.adobe.io/data")?.variable == "https_proxy")
        #expect(proxies.proxy(for: "http://127.0.0.1:8080/x")?.description == "http://plain.example:3")
    }

    @Test("HTTP_PROXY in upper case is ignored, as curl does, with a note; ALL_PROXY fills in for both schemes")
    func upperCaseHTTPProxyIgnored() throws {
        let proxies = try ProxyEnvironment.from(["HTTP_PROXY": "http://upper.example:1"])
        #expect(proxies.proxy(for: "http://127.0.0.1:8080/x") == nil)
        #expect(proxies.notes(for: ["http://127.0.0.1:8080"]).first?.contains("HTTP_PROXY is ignored") == true)
        let all = try ProxyEnvironment.from(["ALL_PROXY": "all.example", "HTTP_PROXY": "http://upper.example:1"])
        #expect(all.proxy(for: "http://h/x")?.description == "http://all.example:1080")
        #expect(all.proxy(for: "https://h/x")?.description == "http://all.example:1080")
    }

    @Test("credentials are percent-decoded for Basic proxy authorization and never printed")
    func credentials() throws {
        let proxies = try ProxyEnvironment.from(["https_proxy": "http://us%40er:p%3Ass-S3CRET@proxy.corp:3128"])
        let proxy = try #require(proxies.proxy(for: "https://platform.adobe.io"))
        #expect(proxy.username == "us@er")
        #expect(proxy.password?.revealed == "p:ss-S3CRET")
        #expect(proxy.description == "http://proxy.corp:3128")
        let notes = proxies.notes(for: ["https://platform.adobe.io/data/foundation/flowservice"])
        #expect(notes == ["platform.adobe.io:443 is reached through the proxy http://proxy.corp:3128 (https_proxy)"])
        #expect(!"\(proxies)".contains("S3CRET"))
    }

    @Test(
        "NO_PROXY: *, exact hosts, domain suffixes with or without a leading dot, IP literals, CIDR networks, ports",
        arguments: [
            ("*", "https://anything.example", true),
            ("example.com", "https://example.com/x", true),
            ("example.com", "https://www.example.com/x", true),
            ("example.com", "https://notexample.com/x", false),
            (".example.com", "https://example.com/x", true),
            (".example.com", "https://a.b.example.com/x", true),
            ("EXAMPLE.com", "https://www.Example.COM/x", true),
            ("other.org, example.com", "https://www.example.com/x", true),
            ("other.org example.com", "https://www.example.com/x", true),
            ("127.0.0.1", "http://127.0.0.1:8080/x", true),
            ("127.0.0.1", "http://127.0.0.2:8080/x", false),
            ("0.0.1", "http://127.0.0.1:8080/x", false),
            ("10.0.0.0/8", "https://10.200.3.4/x", true),
            ("10.0.0.0/8", "https://11.0.0.1/x", false),
            ("::1", "http://[::1]:8080/x", true),
            ("fd00::/8", "https://[fd12::5]/x", true),
            ("example.com:8443", "https://example.com:8443/x", true),
            ("example.com:8443", "https://example.com/x", false),
            ("[::1]:8080", "http://[::1]:8080/x", true),
            ("localhost", "http://localhost:8080/x", true),
        ]
    )
    func noProxy(list: String, url: String, direct: Bool) throws {
        let proxies = try ProxyEnvironment.from(["https_proxy": "proxy:1", "http_proxy": "proxy:1", "NO_PROXY": list])
        #expect((proxies.proxy(for: url) == nil) == direct)
    }

    @Test("no_proxy in lower case wins over NO_PROXY")
    func lowerCaseNoProxyWins() throws {
        let proxies = try ProxyEnvironment.from([
            "https_proxy": "proxy:1", "no_proxy": "a.example", "NO_PROXY": "b.example",
        ])
        #expect(proxies.proxy(for: "https://a.example") == nil)
        #expect(proxies.proxy(for: "https://b.example") != nil)
    }

    @Test(
        "a malformed value throws an error naming the variable, without the password",
        arguments: [
            ("https_proxy", "http://u:pw-S3CRET@proxy:99999"),
            ("https_proxy", "http://u:pw-S3CRET@proxy:zz"),
            ("https_proxy", "http://u:S3CRET#9@pro xy:3128"),
            ("https_proxy", "https://proxy:443"),
            ("https_proxy", "http://:3128"),
            ("https_proxy", "http://pro xy:3128"),
            ("https_proxy", "http://[::1:3128"),
            ("NO_PROXY", "10.0.0.0/33"),
            ("NO_PROXY", "example.com/8"),
            ("NO_PROXY", "example.com:http"),
        ]
    )
    func malformed(variable: String, value: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try ProxyEnvironment.from([variable: value])
        }
        #expect(error?.description.hasPrefix("\(variable) ") == true, "\(String(describing: error))")
        #expect(error?.description.contains("S3CRET") == false)
    }

    @Test(
        "a password holding '/', '?' or '#' is read whole and never shown",
        arguments: ["S3CRET/x", "S3CRET?y", "S3CRET#9"]
    )
    func reservedCharactersInThePassword(password: String) throws {
        let proxies = try ProxyEnvironment.from(["https_proxy": "http://bob:\(password)@proxy.corp:3128"])
        let notes = proxies.notes(for: ["https://platform.adobe.io"]).joined()
        #expect(notes.contains("proxy.corp:3128"), "\(notes)")
        #expect(!notes.contains("S3CRET"), "\(notes)")
    }

    @Test("no variable set: every host direct and no note")
    func unset() throws {
        let proxies = try ProxyEnvironment.from(["https_proxy": "", "PATH": "/bin"])
        #expect(proxies.proxy(for: "https://platform.adobe.io") == nil)
        #expect(proxies.notes(for: ["https://platform.adobe.io"]).isEmpty)
    }
}
