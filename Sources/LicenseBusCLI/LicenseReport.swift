internal import LicenseBusCore
internal import LicenseBusJSON

/// How a license is shown: the state of SPEC §5 and the fields of SPEC §8, for people and as JSON.
struct LicenseReport {
    /// The state name: `enterprise`, `grace`, or `community`.
    let state: String
    /// The reason code when the state is community because of the license's time, else nil.
    let reason: LicenseError.Code?
    /// The claims, with `customer`, `exp`, `features` and `limits` present even when absent (null/empty).
    let licenseJSON: JSONValue
    let claims: LicenseClaims
    let now: Int64

    init(_ claims: LicenseClaims, now: Int64) {
        self.claims = claims
        self.now = now
        let state = claims.state(atSeconds: now)
        self.state = state.name
        self.reason = state.reason
        var fields = claims.all
        for (name, empty) in [
            ("customer", JSONValue.null), ("exp", .null), ("features", .array([])), ("limits", .object([:])),
        ]
        where fields[name] == nil {
            fields[name] = empty
        }
        self.licenseJSON = .object(fields)
    }

    /// Lines for people: one field per line, aligned.
    var humanLines: [String] {
        Self.aligned([("state", self.state + (self.reason.map { " (\($0))" } ?? ""))] + self.fieldRows)
    }

    /// The license's fields, one per row.
    var fieldRows: [(String, String)] {
        var rows: [(String, String)] = [
            ("license id", self.claims.licenseID),
            ("customer", self.claims.customer.map { "\($0) (\(self.claims.subject))" } ?? self.claims.subject),
            ("edition", self.claims.edition),
            ("features", self.claims.features.isEmpty ? "(none)" : self.claims.features.joined(separator: ", ")),
            ("limits", self.limitsText),
            ("issuer", self.claims.issuer),
            ("audience", self.claims.audience.joined(separator: ", ")),
            ("issued", UnixTime.iso8601(self.claims.issuedAt)),
        ]
        if let notBefore = self.claims.notBefore { rows.append(("not before", UnixTime.iso8601(notBefore))) }
        rows.append(("expires", self.expiryText))
        return rows
    }

    /// Rows as `  name: value` lines with the values aligned.
    static func aligned(_ rows: [(String, String)]) -> [String] {
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { name, value in
            "  " + name + ":" + String(repeating: " ", count: width - name.count + 1) + value
        }
    }

    private var limitsText: String {
        guard !self.claims.limits.isEmpty else { return "(none)" }
        return self.claims.limits.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    }

    private var expiryText: String {
        guard let expiresAt = self.claims.expiresAt else { return "never (perpetual)" }
        var text = UnixTime.iso8601(expiresAt)
        if expiresAt > self.now {
            text += " (in \(UnixTime.duration(expiresAt - self.now)))"
        } else {
            text += " (\(UnixTime.duration(self.now - expiresAt)) ago)"
        }
        if let grace = self.claims.gracePeriod, grace > 0 {
            text += ", grace \(UnixTime.duration(grace))"
        }
        return text
    }
}
