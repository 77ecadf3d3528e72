internal import LicenseBusCore
internal import LicenseBusLog
import LicenseBusSync

extension LicenseClient {
    /// Where an envelope came from.
    enum Origin: String {
        case keyFile = "key_file"
        case bus
    }

    /// Reads the key file; a valid one is held at once. An invalid one is `cache_invalid`:
    /// logged, treated as absent, never deleted (the next valid envelope replaces it).
    func loadKeyFile(now: Int64) {
        let logger = self.configuration.logger
        let path = self.keyFile.location.path
        do {
            let readOnly = self.state.withLock { $0.isReadOnly }
            guard let contents = try self.keyFile.read(tighten: !readOnly) else {
                logger.log(.info, "no key file yet", fields: [("path", path)])
                return
            }
            if contents.tightened {
                logger.log(
                    .warning,
                    "the key file was readable by others; tightened to 0600",
                    fields: [("path", path), ("mode", String(contents.mode, radix: 8))]
                )
            }
            self.state.withLock { $0.latestSeen = self.keyFile.readLatestSeen() }
            self.receive(contents.envelope, from: .keyFile)
        } catch {
            self.state.withLock { state in
                state.reason = .cacheInvalid
                state.reasonDetail = error.message
            }
            logger.log(.warning, error.message, code: error.code.rawValue, fields: [("path", path)])
        }
    }

    /// Judges one envelope and applies the result: a fresher valid license replaces the one held
    /// and is persisted; anything else changes nothing and is counted and logged with its code.
    func receive(_ envelope: String, from origin: Origin) {
        self.intakeOrder.withLock { _ in
            let outcome = self.judgeAndApply(envelope, from: origin)
            if origin == .bus { self.recordFetchOutcome(outcome) }
        }
        self.notifyIfChanged()
    }

    /// Returns `accepted`, `repeat`, or the reason code.
    private func judgeAndApply(_ envelope: String, from origin: Origin) -> String {
        let now = self.configuration.currentDate()
        let (held, latestSeen) = self.state.withLock { ($0.license, $0.latestSeen) }
        do {
            guard
                case .accepted(let license) = try self.intake.judge(
                    envelope,
                    now: now,
                    held: held,
                    latestSeen: latestSeen
                )
            else { return "repeat" }
            self.state.withLock { state in
                state.license = license
                state.envelope = envelope
                state.source = origin == .keyFile ? .keyFile : .bus
                state.reason = nil
                state.reasonDetail = nil
            }
            self.configuration.logger.log(
                .info,
                "license accepted",
                fields: [("jti", license.claims.licenseID), ("source", origin.rawValue)]
            )
            if origin == .bus { self.persist() }
            self.rememberTime(LicenseTiming.seconds(now))
            self.licenseArrived()
            return "accepted"
        } catch {
            let code = origin == .keyFile ? LicenseError.Code.cacheInvalid : error.code
            self.state.withLock { state in
                state.rejected[error.code, default: 0] += 1
                if state.license == nil {
                    state.reason = code
                    state.reasonDetail =
                        origin == .keyFile
                        ? "the key file's envelope is refused [\(error.code)]: \(error.message)" : error.message
                }
            }
            self.configuration.logger.log(
                .warning,
                "\(origin == .keyFile ? "key file" : "envelope") rejected: \(error.message)",
                code: error.code.rawValue,
                fields: [("source", origin.rawValue)]
            )
            return error.code.rawValue
        }
    }

    /// Writes the envelope of the license held to the key file (atomically, 0600); called
    /// inside the intake order.
    func persist() {
        guard let envelope = self.state.withLock({ $0.isReadOnly ? nil : $0.envelope }) else { return }
        do throws(FileAccessError) {
            try self.keyFile.write(envelope)
        } catch {
            self.configuration.logger.log(
                .error,
                "cannot write the key file: \(Self.detail(of: error, writing: self.keyFile.location.path))",
                fields: [("path", self.keyFile.location.path)]
            )
        }
    }

    /// Moves the clock memory forward (never back), persisting it when it moved by an hour or more.
    func rememberTime(_ now: Int64) {
        let shouldWrite = self.state.withLock { state -> Bool in
            guard !state.isReadOnly else { return false }
            guard let latest = state.latestSeen else {
                state.latestSeen = now
                return true
            }
            guard now > latest else { return false }
            state.latestSeen = now
            return now - latest >= 3600 || state.envelope != nil
        }
        guard shouldWrite else { return }
        do throws(FileAccessError) {
            try self.keyFile.writeLatestSeen(now)
        } catch {
            self.configuration.logger.log(
                .debug,
                "cannot write the clock memory: \(Self.detail(of: error, writing: self.keyFile.location.clockPath))",
                fields: [("path", self.keyFile.location.clockPath)]
            )
        }
    }

    /// What went wrong writing `path`: the reason, after the path that failed when it is another
    /// one (the folder).
    private static func detail(of error: FileAccessError, writing path: String) -> String {
        error.path == path ? error.reason : error.description
    }

    /// Waits until a license is held or `timeout` passes.
    func waitForLicense(timeout: Duration) async {
        let timer = Task {
            try? await Task.sleep(for: timeout)
            self.licenseArrived()
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = self.state.withLock { state -> Bool in
                if state.license != nil || state.isStopped { return true }
                state.licenseWaiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
        timer.cancel()
    }

    /// Releases everyone waiting for a license.
    func licenseArrived() {
        let waiters = self.state.withLock { state in
            defer { state.licenseWaiters = [] }
            return state.licenseWaiters
        }
        waiters.forEach { $0.resume() }
    }
}
