public import LicenseBusCore
internal import LicenseBusCrypto
internal import LicenseBusLog
internal import LicenseBusNATS
import LicenseBusSync
internal import LicenseClient

/// Distributes one license over NATS (SPEC §3): publishes the envelope at start, every
/// `publishInterval`, and soon after the license file's content changes; answers
/// `<subject>.get` in queue group `license-server`, so several replicas share requests.
///
/// A changed file that does not verify is logged with its code; the last valid license stays
/// in service. Without a valid license at start it does not start.
public final class LicenseServer: Sendable {
    /// The configuration.
    public let configuration: LicenseServerConfiguration

    private struct InService {
        var license: VerifiedLicense
        var envelope: String
        var fileDigest: [UInt8]
    }

    private let inService: Locked<InService>
    /// Whether "no valid license" was already logged for the license in service.
    private let reportedInvalid = Locked(false)

    /// Loads and verifies the license file.
    /// - Parameter configuration: The configuration.
    /// - Throws: ``LicenseError`` when the file is missing or invalid (the server must not start).
    public init(configuration: LicenseServerConfiguration) throws(LicenseError) {
        self.configuration = configuration
        let (license, digest) = try Self.load(configuration)
        let envelope: String
        do {
            envelope = try LicenseEnvelope.seal(license.token, ring: configuration.distributionKeys)
        } catch {
            throw LicenseError(.malformed, "cannot seal the license: \(error)")
        }
        self.inService = Locked(InService(license: license, envelope: envelope, fileDigest: digest))
    }

    /// The license in service.
    public var license: VerifiedLicense { self.inService.withLock { $0.license } }

    /// The envelope in service (sealed once per license, with a fresh IV).
    public var envelope: String { self.inService.withLock { $0.envelope } }

    /// The envelope to send now, or nil when the license in service no longer grants (expired,
    /// or not yet valid): a server without a valid license does not answer (SPEC §3).
    private func envelopeToSend() -> String? {
        let (license, envelope) = self.inService.withLock { ($0.license, $0.envelope) }
        let standing = license.claims.standing(at: self.configuration.now())
        let firstTime = self.reportedInvalid.withLock { reported -> Bool in
            defer { reported = !standing.grants }
            return !standing.grants && !reported
        }
        if firstTime, let reason = standing.reason {
            self.configuration.logger.log(
                .error,
                "the license in service (\(license.claims.licenseID)) is no longer valid; not publishing or answering",
                code: reason.rawValue
            )
        }
        return standing.grants ? envelope : nil
    }

    /// Runs until the task is cancelled, then drains the NATS connection.
    /// - Throws: ``NATSError`` for a NATS setting that cannot work (the connection itself retries
    ///   for ever), or `connection_closed` when the connection closed without being asked to.
    public func run() async throws {
        let logger = self.configuration.logger
        // A replier: each request is answered from memory by a handler on the connection's I/O
        // thread, and the answer is written at once.
        var nats = self.configuration.nats
        nats.sendImmediately = true
        let connection = try await NATSConnection.connect(nats)
        _ = try connection.subscribe(to: self.configuration.subject + ".get", queue: "license-server") { request in
            self.answer(request, on: connection)
        }
        logger.log(
            .info,
            "serving license",
            fields: [("jti", self.license.claims.licenseID), ("subject", self.configuration.subject)]
        )
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.publishPeriodically(on: connection) }
            group.addTask { await self.watchFile(on: connection) }
            group.addTask { await self.logEvents(of: connection) }
            await group.next()
            group.cancelAll()
        }
        // Only a stop asked for is clean: a connection that closed by itself ends the server
        // with its error, so that a supervisor restarts it.
        if !Task.isCancelled, connection.isClosed {
            throw NATSError(.connectionClosed, "the NATS connection closed and will not reconnect")
        }
        try? await connection.drain(timeout: .seconds(5))
        logger.log(.info, "stopped")
    }

    /// Answers one request with the envelope in service (none while the license does not grant).
    private func answer(_ request: NATSMessage, on connection: NATSConnection) {
        guard let replyTo = request.replyTo, let envelope = self.envelopeToSend() else { return }
        do {
            try connection.publish(Array(envelope.utf8), to: replyTo)
        } catch {
            self.configuration.logger.log(.warning, "cannot answer a request: \(error)")
        }
    }

    private func publishPeriodically(on connection: NATSConnection) async {
        while !Task.isCancelled {
            self.publish(on: connection, reason: "periodic")
            try? await Task.sleep(for: self.configuration.publishInterval)
        }
    }

    private func publish(on connection: NATSConnection, reason: String) {
        guard let envelope = self.envelopeToSend() else { return }
        do {
            try connection.publish(Array(envelope.utf8), to: self.configuration.subject)
            self.configuration.logger.log(.debug, "published", fields: [("reason", reason)])
        } catch {
            self.configuration.logger.log(.warning, "cannot publish: \(error)")
        }
    }

    /// Compares the file's content (not its mtime: Kubernetes swaps a symlink) with the one in service.
    private func watchFile(on connection: NATSConnection) async {
        var unreadable = false
        while !Task.isCancelled {
            try? await Task.sleep(for: self.configuration.fileCheckInterval)
            let bytes: [UInt8]
            do {
                bytes = try FileAccess.read(self.configuration.licenseFile, limit: 1 << 20)
                unreadable = false
            } catch {
                if !unreadable {
                    self.configuration.logger.log(
                        .error,
                        "cannot read the license file \(error); still serving \(self.license.claims.licenseID)"
                    )
                }
                unreadable = true
                continue
            }
            let digest = SHA256.hash(bytes)
            guard digest != self.inService.withLock({ $0.fileDigest }) else { continue }
            do {
                let (license, _) = try Self.load(self.configuration)
                let envelope = try LicenseEnvelope.seal(license.token, ring: self.configuration.distributionKeys)
                self.inService.withLock { $0 = InService(license: license, envelope: envelope, fileDigest: digest) }
                self.configuration.logger.log(
                    .info,
                    "license file changed; now serving",
                    fields: [("jti", license.claims.licenseID)]
                )
                self.publish(on: connection, reason: "file changed")
            } catch let error as LicenseError {
                self.inService.withLock { $0.fileDigest = digest }
                self.configuration.logger.log(
                    .error,
                    "the changed license file is not valid: \(error.message); still serving \(self.license.claims.licenseID)",
                    code: error.code.rawValue
                )
            } catch {
                self.configuration.logger.log(.error, "cannot seal the changed license: \(error)")
            }
        }
    }

    /// Logs connection events; a failed connect attempt only when its error differs from the
    /// last one logged since the last connection.
    private func logEvents(of connection: NATSConnection) async {
        var failures = ConnectFailureLog()
        for await event in connection.events {
            switch event {
            case .connected(let server), .reconnected(let server):
                failures.connected()
                self.configuration.logger.log(.info, "connected to NATS", fields: [("server", server)])
                self.publish(on: connection, reason: "connected")
            case .disconnected(let error):
                self.configuration.logger.log(.warning, "NATS disconnected: \(error.message)")
            case .connectFailed(let server, let error):
                failures.failed(error, server: server, logger: self.configuration.logger)
            case .error(let error): self.configuration.logger.log(.warning, "NATS: \(error.message)")
            default: break
            }
        }
    }

    private static func load(
        _ configuration: LicenseServerConfiguration
    ) throws(LicenseError) -> (VerifiedLicense, [UInt8]) {
        let bytes: [UInt8]
        do {
            bytes = try FileAccess.read(configuration.licenseFile, limit: 1 << 20)
        } catch {
            throw LicenseError(.malformed, "cannot read the license file \(error)", hint: "check LICENSE_FILE")
        }
        let license = try configuration.verifier.verify(
            String(decoding: bytes, as: UTF8.self),
            now: configuration.now()
        )
        return (license, SHA256.hash(bytes))
    }
}
