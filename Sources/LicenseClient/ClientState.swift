internal import LicenseBusCore
internal import LicenseBusNATS

/// The mutable part of a ``LicenseClient``, behind its mutex.
struct ClientState {
    var license: VerifiedLicense?
    /// The envelope of `license`, as it goes to the key file.
    var envelope: String?
    var source: LicenseSource = .none
    /// Why there is no license, when a reason is known.
    var reason: LicenseError.Code?
    /// What `reason` stands for here: the message of the refusal that left no license.
    var reasonDetail: String?
    var latestSeen: Int64?
    var rejected: [LicenseError.Code: Int] = [:]
    var connection: NATSConnection?
    var tasks: [Task<Void, Never>] = []
    var isStarted = false
    var isStopped = false
    /// Inspection only: no file is written or tightened.
    var isReadOnly = false
    var lastNotified: LicenseStatus?
    var changeContinuations: [UInt64: AsyncStream<LicenseStatus>.Continuation] = [:]
    var licenseWaiters: [CheckedContinuation<Void, Never>] = []
    /// Fetches in progress: each collects what every envelope heard led to.
    var fetches: [UInt64: FetchRecorder] = [:]

    /// The state at `now`, derived from the license held and the clock.
    func status(at now: Int64) -> LicenseStatus {
        if let latestSeen = self.latestSeen, LicenseIntake.isRolledBack(now: now, latestSeen: latestSeen) {
            return LicenseStatus(
                state: .community(reason: .clockRollback),
                license: self.license,
                source: self.source,
                detail: "the clock (\(UnixTime.iso8601(now))) is more than 24 h behind the latest time this "
                    + "instance has seen (\(UnixTime.iso8601(latestSeen)))"
            )
        }
        guard let license = self.license else {
            return LicenseStatus(
                state: .community(reason: self.reason),
                license: nil,
                source: .none,
                detail: self.reason == nil ? nil : self.reasonDetail
            )
        }
        return LicenseStatus(state: license.claims.state(atSeconds: now), license: license, source: self.source)
    }

    /// The fast path of `allows`: no status value is built.
    func allows(_ feature: String, at now: Int64) -> Bool {
        guard let claims = self.license?.claims,
            !LicenseIntake.isRolledBack(now: now, latestSeen: self.latestSeen),
            claims.state(atSeconds: now).grants
        else { return false }
        return claims.features.contains(feature)
    }
}

/// What one `fetch` heard: an entry per envelope, `accepted`, `repeat` or a reason code.
final class FetchRecorder: @unchecked Sendable {
    var outcomes: [String] = []
    var continuation: CheckedContinuation<Void, Never>?
    var isDone = false
}
