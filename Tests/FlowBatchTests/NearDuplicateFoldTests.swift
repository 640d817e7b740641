import Testing

@testable import FlowBatchIngest

@Suite("Near-duplicate names: the folded form", .timeLimit(.minutes(1)))
struct NearDuplicateFoldTests {
    private func fold(_ name: String) -> String {
        var name = name
        return name.withUTF8 { NearDuplicateFinder.fold($0) }
    }

    private func foldASCII(_ name: String) -> String {
        var name = name
        var folded: [UInt8] = []
        name.withUTF8 { NearDuplicateFinder.foldASCII($0, into: &folded) }
        return String(decoding: folded, as: UTF8.self)
    }

    @Test(
        "the byte path for ASCII names folds exactly as the Unicode path",
        arguments: ["Orders API", " orders  api ", "ORDERS\tAPI", "a\r\nb", "", "   ", "Q4-REST_onboarding 2", "x  "]
    )
    func asciiPathAgrees(name: String) {
        #expect(foldASCII(name) == fold(name), "\(name.debugDescription)")
    }

    @Test("case, runs of spaces, a non-breaking space and full-width letters fold to one form")
    func spellingsPeopleCallTheSame() {
        let forms = ["Orders API", "orders api ", "Orders  API", "Orders\u{00A0}API", "Ｏｒｄｅｒｓ API", "ORDERS API"]
        #expect(Set(forms.map(fold)) == ["orders api"])
        #expect(fold("Orders APIs") != fold("Orders API"))
    }
}
