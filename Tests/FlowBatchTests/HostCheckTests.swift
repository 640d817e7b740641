import Testing

@testable import FlowBatchIngest

@Suite("Hosts to look at twice", .timeLimit(.minutes(1)))
struct HostCheckTests {
    @Test(
        "the byte path warns exactly as the string path",
        arguments: [
            "https://api.example.com/v1", "HTTPS://API.Example.COM", "https://api.example.com:8443/x?y#z",
            "http://api.example.com", "https://localhost", "https://app.localhost:3000", "https://LOCALHOST.",
            "https://10.1.2.3/", "https://192.168.0.1:80", "https://172.20.1.1", "https://127.0.0.1",
            "https://8.8.8.8", "https://[::1]:8080", "https://[fd00::1]/", "https://[2001:db8::1]",
            "https://intranet/api", "https://example.", "https://a.b", "https://100.64.0.1", "https://169.254.1.1",
        ]
    )
    func bytePathAgrees(url: String) {
        var bytes = url
        let fast = bytes.withUTF8 { HostCheck.warnings(forBytes: $0) }
        #expect(fast == HostCheck.warnings(for: url), "\(url)")
    }

    @Test("a public https host gets no warning; the others one each")
    func whichWarn() {
        #expect(HostCheck.warnings(for: "https://api.example.com").isEmpty)
        #expect(HostCheck.warnings(for: "https://8.8.8.8").isEmpty)
        #expect(HostCheck.warnings(for: "http://10.0.0.1").count == 2)
        for url in ["https://localhost", "https://10.1.2.3", "https://[::1]", "https://intranet"] {
            #expect(HostCheck.warnings(for: url).count == 1, "\(url)")
        }
    }
}
