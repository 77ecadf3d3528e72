import LicenseBusCore
import LicenseBusJSON
import LicenseBusTestSupport
import Testing

@Suite("Time: nbf, iat, exp, grace with 60 s leeway; freshness")
struct LicenseTimingTests {
    private func claims(_ extra: [String: JSONValue], issuedAt: Int64 = 1_000_000) throws -> LicenseClaims {
        var object = SampleKeys.claims(issuedAt: issuedAt)
        object.merge(extra) { $1 }
        return try LicenseClaims(object)
    }

    @Test("exp: active until exp + 60 s, expired from then on")
    func expiry() throws {
        let license = try self.claims(["exp": .integer(2_000_000)])
        #expect(license.standing(atSeconds: 1_999_999) == .active)
        #expect(license.standing(atSeconds: 2_000_059) == .active)
        #expect(license.standing(atSeconds: 2_000_060) == .expired)
        #expect(license.standing(atSeconds: 3_000_000) == .expired)
    }

    @Test("grace: after exp and before exp + grace the license grants in state grace")
    func grace() throws {
        let license = try self.claims(["exp": .integer(2_000_000), "grace": .integer(86_400)])
        #expect(license.standing(atSeconds: 2_000_059) == .active)
        #expect(license.standing(atSeconds: 2_000_060) == .grace(endsAt: 2_086_400))
        #expect(license.standing(atSeconds: 2_086_459) == .grace(endsAt: 2_086_400))
        #expect(license.standing(atSeconds: 2_086_460) == .expired)
        #expect(LicenseStanding.grace(endsAt: 1).grants)
        #expect(!LicenseStanding.expired.grants)
    }

    @Test("nbf: not valid while now + 60 s < nbf")
    func notBefore() throws {
        let license = try self.claims(["nbf": .integer(2_000_000)])
        #expect(license.standing(atSeconds: 1_999_939) == .notYetValid)
        #expect(license.standing(atSeconds: 1_999_940) == .active)
    }

    @Test("iat more than 5 minutes ahead is not_yet_valid; 5 minutes is fine")
    func futureIssuedAt() throws {
        let license = try self.claims([:], issuedAt: 2_000_000)
        #expect(license.standing(atSeconds: 1_999_699) == .notYetValid)
        #expect(license.standing(atSeconds: 1_999_700) == .active)
    }

    @Test("extreme values never overflow")
    func extremes() throws {
        let license = try self.claims(
            ["exp": .integer(.max), "grace": .integer(.max), "nbf": .integer(.min)],
            issuedAt: .min
        )
        #expect(license.standing(atSeconds: .max) == .active)
        #expect(license.standing(atSeconds: .min) == .active)
        let expired = try self.claims(["exp": .integer(.min), "grace": .integer(.max)], issuedAt: .min)
        #expect(expired.standing(atSeconds: 0).grants)
    }

    @Test("next transition: the times at which the standing changes")
    func nextTransition() throws {
        let license = try self.claims(["exp": .integer(2_000_000), "grace": .integer(100)], issuedAt: 1_000_000)
        #expect(license.nextTransition(afterSeconds: 1_500_000) == 2_000_060)
        #expect(license.nextTransition(afterSeconds: 2_000_060) == 2_000_160)
        #expect(license.nextTransition(afterSeconds: 2_000_160) == nil)
    }

    @Test("freshness: newer iat replaces; same iat and jti repeats; older, or same iat with another jti, is stale")
    func freshness() throws {
        let current = try LicenseClaims(SampleKeys.claims(issuedAt: 100, jti: "a"))
        #expect(LicenseFreshness.compare(current, with: nil) == .newer)
        #expect(
            LicenseFreshness.compare(try LicenseClaims(SampleKeys.claims(issuedAt: 101, jti: "b")), with: current)
                == .newer
        )
        #expect(
            LicenseFreshness.compare(try LicenseClaims(SampleKeys.claims(issuedAt: 100, jti: "a")), with: current)
                == .repeated
        )
        #expect(
            LicenseFreshness.compare(try LicenseClaims(SampleKeys.claims(issuedAt: 100, jti: "z")), with: current)
                == .stale
        )
        #expect(
            LicenseFreshness.compare(try LicenseClaims(SampleKeys.claims(issuedAt: 99, jti: "a")), with: current)
                == .stale
        )
    }
}
