import FlowServiceMock
import Foundation
import Testing

@Suite("Listing, filtering and paging connections", .timeLimit(.minutes(3)))
struct ListingTests {
    static let specFilter = "property=connectionSpec.id==\(MockSession.genericRESTSpecID)"

    /// Follows `_links.next.href` from `firstPath`; returns every page's ids. `extraQuery` is
    /// repeated beside the continuation token, as aepp does.
    static func pages(
        _ session: MockSession,
        from firstPath: String,
        extraQuery: String? = nil,
        sandbox: String = "prod"
    ) async throws -> [[String]] {
        var pages: [[String]] = []
        var path: String? = firstPath
        while let current = path {
            let answer = try await session.platform(.GET, current, sandbox: sandbox)
            #expect(answer.status == 200, "\(current): \(answer.text.prefix(300))")
            pages.append(try answer.items().compactMap { $0["id"] as? String })
            let links = try #require(try answer.object()["_links"] as? [String: Any])
            if let href = (links["next"] as? [String: Any])?["href"] as? String {
                #expect(href.hasPrefix("/connections?continuationToken="))
                let token = href.dropFirst("/connections?continuationToken=".count)
                #expect(!token.isEmpty && !token.contains("=") && !token.contains("&"))
                path = extraQuery.map { href + "&" + $0 } ?? href
            } else {
                path = nil
            }
            if pages.count > 100 { throw TestFailure("paging does not end") }
        }
        return pages
    }

    @Test("45 connections page as 10+10+10+10+5, each exactly once, no next link on the last page")
    func pagingThrough45() async throws {
        try await MockSession.with { session in
            var created: [String] = []
            for index in 0..<45 {
                created.append(try await session.createID("page item \(index)"))
            }
            let pages = try await Self.pages(session, from: "/connections?limit=10")
            #expect(pages.map(\.count) == [10, 10, 10, 10, 5])
            #expect(pages.flatMap { $0 } == created)
        }
    }

    @Test("A client may repeat limit and property beside the continuation token")
    func repeatingParametersBesideTheToken() async throws {
        try await MockSession.with { session in
            for index in 0..<45 {
                _ = try await session.createID("generic \(index)")
            }
            let filter = Self.specFilter
            let pages = try await Self.pages(
                session,
                from: "/connections?limit=10&\(filter)",
                extraQuery: "limit=10&\(filter)"
            )
            #expect(pages.map(\.count) == [10, 10, 10, 10, 5])
            #expect(Set(pages.flatMap { $0 }).count == 45)
        }
    }

    @Test("A limit beside the token sets the size of the following pages")
    func limitBesideTheToken() async throws {
        try await MockSession.with { session in
            for index in 0..<12 {
                session.mock.insertConnection(name: "n\(index)")
            }
            let first = try await session.platform(.GET, "/connections?limit=2")
            let href = try #require(
                ((try first.object()["_links"] as? [String: Any])?["next"] as? [String: String])?["href"]
            )
            let second = try await session.platform(.GET, href + "&limit=5")
            #expect(try second.items().count == 5)
        }
    }

    @Test("Deleting connections between pages neither skips nor repeats the others")
    func pagingIsStableUnderDeletes() async throws {
        try await MockSession.with { session in
            let ids = (0..<30).map { session.mock.insertConnection(name: "stable \($0)").id }
            let first = try await session.platform(.GET, "/connections?limit=10")
            #expect(try first.items().compactMap { $0["id"] as? String } == Array(ids[0..<10]))
            for id in ids[2..<4] {
                #expect(try await session.platform(.DELETE, "/connections/\(id)").status == 204)
            }
            let href = try #require(
                ((try first.object()["_links"] as? [String: Any])?["next"] as? [String: String])?["href"]
            )
            let rest = try await Self.pages(session, from: href)
            #expect(rest.flatMap { $0 } == Array(ids[10...]))
        }
    }

    @Test("Without limit a page holds 100 connections")
    func defaultPageSize() async throws {
        try await MockSession.with { session in
            for index in 0..<105 {
                session.mock.insertConnection(name: "bulk \(index)")
            }
            let pages = try await Self.pages(session, from: "/connections")
            #expect(pages.map(\.count) == [100, 5])
        }
    }

    @Test("property=name==X finds connections by exact name, spaces written as %20 or +")
    func filterByName() async throws {
        try await MockSession.with { session in
            let acme = try await session.createID("Acme CRM")
            _ = try await session.createID("Acme CRM 2")
            _ = try await session.createID("acme crm")
            for query in ["property=name==Acme%20CRM", "property=name==Acme+CRM", "property=name%3D%3DAcme%20CRM"] {
                let items = try await session.platform(.GET, "/connections?\(query)").items()
                #expect(items.compactMap { $0["id"] as? String } == [acme], "\(query)")
            }
            #expect(try await session.platform(.GET, "/connections?property=name==Nobody").items().isEmpty)
        }
    }

    @Test("property=connectionSpec.id==X lists the generic REST connections")
    func filterBySpecID() async throws {
        try await MockSession.with { session in
            let ids = [try await session.createID("one"), try await session.createID("two")]
            let items = try await session.platform(.GET, "/connections?\(Self.specFilter)").items()
            #expect(items.compactMap { $0["id"] as? String } == ids)
            let other = "property=connectionSpec.id==00000000-0000-0000-0000-000000000000"
            #expect(try await session.platform(.GET, "/connections?\(other)").items().isEmpty)
        }
    }

    @Test("Repeated property parameters are ANDed")
    func repeatedPropertiesAreANDed() async throws {
        try await MockSession.with { session in
            let target = try await session.createID("target")
            _ = try await session.createID("other")
            let both = try await session.platform(.GET, "/connections?property=name==target&\(Self.specFilter)").items()
            #expect(both.compactMap { $0["id"] as? String } == [target])
            let contradicting = "property=name==target&property=connectionSpec.id==00000000-0000-0000-0000-000000000000"
            #expect(try await session.platform(.GET, "/connections?\(contradicting)").items().isEmpty)
            let twoNames = "property=name==target&property=name==other"
            #expect(try await session.platform(.GET, "/connections?\(twoNames)").items().isEmpty)
        }
    }

    @Test(
        "A comma inside one property value means OR, as Adobe documents it (name==A,B)",
        arguments: ["property=name==alpha,beta", "property=name%3D%3Dalpha%2Cbeta"]
    )
    func commaMeansOR(_ query: String) async throws {
        try await MockSession.with { session in
            let alpha = try await session.createID("alpha")
            let beta = try await session.createID("beta")
            _ = try await session.createID("gamma")
            let items = try await session.platform(.GET, "/connections?\(query)").items()
            #expect(items.compactMap { $0["id"] as? String } == [alpha, beta])
        }
    }

    @Test("The undocumented name==A,name==B reads its second part as the literal name 'name==B', as the grammar says")
    func repeatedConditionIsALiteralValue() async throws {
        try await MockSession.with { session in
            let alpha = try await session.createID("alpha")
            _ = try await session.createID("beta")
            let literal = try await session.createID("name==beta")
            let items = try await session.platform(.GET, "/connections?property=name==alpha,name==beta").items()
            #expect(items.compactMap { $0["id"] as? String } == [alpha, literal])
        }
    }

    @Test("A name containing a comma cannot be matched by name==: the comma splits it into alternatives")
    func nameWithCommaSplits() async throws {
        try await MockSession.with { session in
            _ = try await session.createID("Acme, Inc")
            let acme = try await session.createID("Acme")
            let query = "property=name==" + MockSession.queryValue("Acme, Inc")
            let items = try await session.platform(.GET, "/connections?\(query)").items()
            #expect(items.compactMap { $0["id"] as? String } == [acme])
        }
    }

    @Test("property=name!=X excludes that name")
    func notEqualFilter() async throws {
        try await MockSession.with { session in
            _ = try await session.createID("skip me")
            let kept = try await session.createID("keep me")
            let items = try await session.platform(.GET, "/connections?property=name!=skip%20me").items()
            #expect(items.compactMap { $0["id"] as? String } == [kept])
        }
    }

    @Test("count=true answers only {\"count\": N}, filters applied")
    func countOnly() async throws {
        try await MockSession.with { session in
            for name in ["a", "b", "a"] {
                _ = try await session.createID(name)
            }
            _ = try await session.createID("elsewhere", sandbox: "dev")
            let all = try await session.platform(.GET, "/connections?count=true")
            #expect(try all.object() as? [String: Int] == ["count": 3])
            let named = try await session.platform(.GET, "/connections?count=true&property=name==a")
            #expect(try named.object() as? [String: Int] == ["count": 2])
        }
    }

    @Test("orderby=name and orderby=-name sort by name; createdAt and -createdAt by creation")
    func ordering() async throws {
        try await MockSession.with { session in
            for name in ["delta", "alpha", "charlie", "bravo"] {
                _ = try await session.createID(name)
            }
            func names(_ orderBy: String) async throws -> [String] {
                try await session.platform(.GET, "/connections?orderby=\(orderBy)").items().compactMap {
                    $0["name"] as? String
                }
            }
            #expect(try await names("name") == ["alpha", "bravo", "charlie", "delta"])
            #expect(try await names("-name") == ["delta", "charlie", "bravo", "alpha"])
            #expect(try await names("createdAt") == ["delta", "alpha", "charlie", "bravo"])
            #expect(try await names("-createdAt") == ["bravo", "charlie", "alpha", "delta"])
        }
    }

    @Test("Paging in name order and in reverse creation order visits every connection once")
    func pagingInOtherOrders() async throws {
        try await MockSession.with { session in
            let names = (0..<23).map { "item \(String(format: "%02d", ($0 * 7) % 23))" }
            for name in names {
                session.mock.insertConnection(name: name)
            }
            for order in ["name", "-name", "-createdAt"] {
                let pages = try await Self.pages(session, from: "/connections?limit=5&orderby=\(order)")
                #expect(pages.map(\.count) == [5, 5, 5, 5, 3], "\(order)")
                #expect(Set(pages.flatMap { $0 }).count == 23, "\(order)")
            }
        }
    }

    struct BadQuery: Sendable, CustomTestStringConvertible {
        var query: String
        var code: String
        var messagePart: String

        init(_ query: String, _ code: String, _ messagePart: String) {
            self.query = query
            self.code = code
            self.messagePart = messagePart
        }

        var testDescription: String { self.query }
    }

    static let badQueries: [BadQuery] = [
        BadQuery("count=true&limit=5", "FLOW-1401-400", "The limit and count parameters cannot be given together"),
        BadQuery("limit=0", "FLOW-1453-400", "Invalid query value limit=0 provided in query param"),
        BadQuery("limit=ten", "FLOW-1453-400", "positive integer"),
        BadQuery("orderby=color", "FLOW-1433-400", "Incorrect field= color passed in orderBy"),
        BadQuery("property=color==red", "FLOW-1449-400", "Invalid field color in filter params"),
        BadQuery("property=red", "FLOW-1453-400", "Invalid query value property=red"),
        BadQuery("continuationToken=not-a-token", "MOCK-4006-400", "continuationToken is invalid"),
        BadQuery("count=maybe", "FLOW-1453-400", "must be true or false"),
    ]

    @Test("Unusable query parameters answer 400 with the code Adobe gives that mistake", arguments: Self.badQueries)
    func queryErrors(_ bad: BadQuery) async throws {
        try await MockSession.with { session in
            let answer = try await session.platform(.GET, "/connections?\(bad.query)")
            try ProblemExpectation(status: 400, code: bad.code, title: "Invalid request", messagePart: bad.messagePart)
                .check(answer)
        }
    }

    @Test("A continuation token from one sandbox is refused in another")
    func tokenIsBoundToItsSandbox() async throws {
        try await MockSession.with { session in
            for index in 0..<3 {
                session.mock.insertConnection(name: "p\(index)")
            }
            let first = try await session.platform(.GET, "/connections?limit=1")
            let href = try #require(
                ((try first.object()["_links"] as? [String: Any])?["next"] as? [String: String])?["href"]
            )
            let answer = try await session.platform(.GET, href, sandbox: "dev")
            #expect(answer.status == 400)
        }
    }
}
