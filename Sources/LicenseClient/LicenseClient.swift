internal import FoundationEssentials
public import LicenseBusCore
internal import LicenseBusLog
internal import LicenseBusNATS
import LicenseBusSync

/// The license of this instance: read from the key file at start, kept fresh from the bus,
/// validated locally, and readable synchronously from any thread (SPEC §4 to §6).
///
/// NATS is only a way in: once a valid license is held, nothing on the bus can take it away;
/// only a fresher valid license replaces it, and `exp`/`grace` end it by themselves.
/// - Important: Safe to use from any thread or task.
public final class LicenseClient: Sendable {
    /// The configuration.
    public let configuration: LicenseClientConfiguration

    let intake: LicenseIntake
    let keyFile: LicenseKeyFile
    let state = Locked(ClientState())
    /// Takes envelopes one at a time: judging, committing, persisting and recording each happen
    /// before the next envelope is looked at, so the key file always holds the license held.
    let intakeOrder = Locked(())

    /// Makes a client; nothing happens until ``start()``.
    /// - Parameter configuration: Keys, NATS, key file, clock.
    public init(configuration: LicenseClientConfiguration) {
        self.configuration = configuration
        self.intake = LicenseIntake(
            ring: configuration.distributionKeys,
            verifier: LicenseVerifier(
                trustedKeys: configuration.trustedKeys,
                issuer: configuration.issuer,
                audience: configuration.audience
            )
        )
        self.keyFile = LicenseKeyFile(location: configuration.keyFile)
    }

    /// Starts: a valid key file grants at once, before any network I/O; then the bus is joined
    /// in the background (subscribe, and request `<subject>.get`). With no valid license it waits
    /// up to `waitTimeout` for one, then returns as community and keeps listening. A second call
    /// does nothing.
    public func start() async {
        let alreadyStarted = self.state.withLock { state -> Bool in
            defer { state.isStarted = true }
            return state.isStarted
        }
        guard !alreadyStarted else { return }
        let now = self.configuration.currentSeconds()
        self.loadKeyFile(now: now)
        self.rememberTime(now)
        // Watchers hear the state the key file gave, community included, before any bus traffic.
        self.notifyIfChanged()
        self.startBus()
        self.startTransitionWatch()
        guard !self.status.state.grants else { return }
        await self.waitForLicense(timeout: self.configuration.waitTimeout)
    }

    /// Reads the key file as ``start()`` does, without joining the bus or waiting.
    /// - Parameter readOnly: When true nothing is written (no permission tightening, no clock
    ///   memory update): what `license-client status` uses to show what an instance would see.
    public func loadLocal(readOnly: Bool) {
        self.state.withLock { $0.isReadOnly = readOnly }
        let now = self.configuration.currentSeconds()
        self.loadKeyFile(now: now)
        if !readOnly { self.rememberTime(now) }
    }

    /// Judges an envelope exactly as an incoming one would be (against the license held and the
    /// clock memory), changing nothing: for inspection (`license-client status --bus`).
    /// - Parameter envelope: The envelope text.
    /// - Returns: Whether it would be accepted (fresher) or is a repeat.
    /// - Throws: ``LicenseError`` with the code it would be rejected with.
    public func judge(_ envelope: String) throws(LicenseError) -> LicenseIntake.Outcome {
        let (held, latestSeen) = self.state.withLock { ($0.license, $0.latestSeen) }
        return try self.intake.judge(
            envelope,
            now: self.configuration.currentDate(),
            held: held,
            latestSeen: latestSeen
        )
    }

    /// Stops listening to the bus; the state stays readable and keeps following the clock.
    public func stop() async {
        let (connection, tasks, continuations) = self.state.withLock { state in
            state.isStopped = true
            defer {
                state.tasks = []
                state.changeContinuations = [:]
            }
            return (state.connection, state.tasks, Array(state.changeContinuations.values))
        }
        tasks.forEach { $0.cancel() }
        continuations.forEach { $0.finish() }
        self.licenseArrived()  // a start() still waiting returns now
        await connection?.close()
    }

    /// The state now, with the license held and its source. Cheap; reads no file.
    public var status: LicenseStatus {
        let now = self.configuration.currentSeconds()
        return self.state.withLock { $0.status(at: now) }
    }

    /// Whether `feature` is granted now (state enterprise or grace, and listed in `features`).
    /// - Parameter feature: An entitlement name.
    /// - Returns: Whether the host app may enable it.
    public func allows(_ feature: String) -> Bool {
        let now = self.configuration.currentSeconds()
        return self.state.withLock { $0.allows(feature, at: now) }
    }

    /// The license's limits while it grants (the host app enforces them); empty otherwise.
    public var limits: [String: Int64] { self.status.limits }

    /// Envelopes rejected so far, by reason code.
    public var rejectedEnvelopes: [LicenseError.Code: Int] { self.state.withLock { $0.rejected } }

    /// A sequence of statuses: the last one told (the current one) first, then each change (state,
    /// license or source), including the changes that `exp` and `exp + grace` make by themselves.
    /// Called before ``start()``, it begins with the status the key file gives at start, not with
    /// the empty one before it: a client that has not started has no state of its own to tell.
    public func changes() -> AsyncStream<LicenseStatus> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: LicenseStatus.self,
            bufferingPolicy: .bufferingNewest(16)
        )
        let id = UInt64.random(in: 0...UInt64.max)
        // Registered and given the last status told, under the lock that orders notifications:
        // every watcher sees the same sequence, with no change missed or told twice.
        let registered = self.state.withLock { state -> Bool in
            guard !state.isStopped else { return false }
            state.changeContinuations[id] = continuation
            if let told = state.lastNotified { continuation.yield(told) }
            return true
        }
        if !registered {
            continuation.yield(self.status)
            continuation.finish()
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.changeContinuations.removeValue(forKey: id) }
        }
        return stream
    }

    /// Tells watchers when the status differs from the last one told; the first call tells it
    /// whatever it is. Statuses are yielded under the state's lock, so watchers see them in order.
    func notifyIfChanged() {
        let now = self.configuration.currentSeconds()
        let status = self.state.withLock { state -> LicenseStatus? in
            let status = state.status(at: now)
            guard status != state.lastNotified else { return nil }
            state.lastNotified = status
            for continuation in state.changeContinuations.values { continuation.yield(status) }
            return status
        }
        guard let status else { return }
        // Grace, and community with a reason (expired, a rolled-back clock, ...), are worth a
        // warning; community with none means no license yet (or a community license).
        let isWarning: Bool
        switch status.state {
        case .enterprise: isWarning = false
        case .grace: isWarning = true
        case .community(let reason): isWarning = reason != nil
        }
        self.configuration.logger.log(
            isWarning ? .warning : .info,
            "license state is \(status.state.name)",
            code: status.state.reason?.rawValue,
            fields: [("jti", status.license?.claims.licenseID ?? "-"), ("source", status.source.rawValue)]
        )
    }
}
