import Testing

@testable import FlowServiceMock

@Suite("Query and form decoding", .timeLimit(.minutes(3)))
struct URLFormFieldsTests {
    @Test("Plus is a space, percent escapes are bytes, repeated names keep their order")
    func decodes() {
        let fields = URLFormFields("property=name%3D%3DAcme+CRM&property=state==enabled&limit=10&empty=&flag")
        #expect(fields.all("property") == ["name==Acme CRM", "state==enabled"])
        #expect(fields["limit"] == "10")
        #expect(fields["empty"] == "")
        #expect(fields["flag"] == "")
        #expect(fields["missing"] == nil)
    }

    @Test("UTF-8 escapes decode to text; malformed escapes stay as written")
    func decodesUTF8AndKeepsMalformed() {
        let fields = URLFormFields("a=Caf%C3%A9&b=100%&c=%zz1&d=%4")
        #expect(fields["a"] == "Café")
        #expect(fields["b"] == "100%")
        #expect(fields["c"] == "%zz1")
        #expect(fields["d"] == "%4")
    }

    @Test("Dates must be real calendar dates written YYYY-MM-DD")
    func dates() {
        #expect(CreateConnectionRequest.isDate("2027-03-31"))
        #expect(CreateConnectionRequest.isDate("2028-02-29"))
        #expect(!CreateConnectionRequest.isDate("2027-02-29"))
        #expect(!CreateConnectionRequest.isDate("2027-13-01"))
        #expect(!CreateConnectionRequest.isDate("2027-3-31"))
        #expect(!CreateConnectionRequest.isDate("2027-03-31T00:00:00Z"))
    }
}
