import LicenseBusCore
import LicenseBusJSON
import LicenseBusTestSupport
import Testing

@Suite("Claim types (SPEC §1)")
struct LicenseClaimsTests {
    @Test(
        "a missing required claim or a claim of the wrong type is malformed, naming the claim",
        arguments: [
            ("iss", JSONValue?.none), ("sub", nil), ("jti", nil), ("iat", nil), ("edition", nil), ("aud", nil),
            ("iss", .integer(1)), ("aud", .integer(1)), ("aud", .array([])), ("aud", .array([.integer(1)])),
            ("sub", .null), ("jti", .bool(true)), ("iat", .string("1767225600")), ("iat", .decimal("1.5")),
            ("iat", .decimal("1e400")), ("iat", .decimal("99999999999999999999")), ("nbf", .string("x")),
            ("exp", .decimal("1.0")), ("grace", .string("1d")), ("grace", .integer(-1)), ("edition", .array([])),
            ("features", .string("sso")), ("features", .array([.integer(1)])), ("limits", .array([])),
            ("limits", .object(["max": .string("5")])), ("customer", .integer(5)),
        ]
    )
    func wrongTypes(name: String, value: JSONValue?) {
        var object = SampleKeys.claims()
        object[name] = value
        let error = #expect(throws: LicenseError.self) { try LicenseClaims(object) }
        #expect(error?.code == .malformed)
        #expect(error?.message.contains(name) == true || error?.message.contains("limit") == true)
    }

    @Test("optional claims may be absent; unknown claims are kept as they are")
    func optionalAndUnknown() throws {
        var object = SampleKeys.claims()
        object.removeValue(forKey: "features")
        object.removeValue(forKey: "limits")
        object["x-anything"] = .array([.null, .decimal("2.5")])
        let claims = try LicenseClaims(object)
        #expect(claims.features.isEmpty)
        #expect(claims.limits.isEmpty)
        #expect(claims.expiresAt == nil)
        #expect(claims.customer == nil)
        #expect(claims.all["x-anything"] == .array([.null, .decimal("2.5")]))
        #expect(claims.grantsEdition)
    }

    @Test("edition community grants nothing; any other edition does")
    func edition() throws {
        var object = SampleKeys.claims()
        object["edition"] = .string("community")
        #expect(!(try LicenseClaims(object)).grantsEdition)
        object["edition"] = .string("enterprise-plus")
        #expect(try LicenseClaims(object).grantsEdition)
    }
}
