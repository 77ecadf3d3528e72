package import LicenseBusLog
package import LicenseBusNATS

/// Logs failed NATS connect attempts as warnings, each distinct error once until the next
/// connection: an outage logs its cause, not one line per reconnect attempt.
package struct ConnectFailureLog {
    private var last: String?

    /// A log that reports the first failure.
    package init() {}

    /// Logs `error` unless it repeats the last failure logged since the last connection.
    package mutating func failed(_ error: NATSError, server: String, logger: Logger) {
        guard error.description != self.last else { return }
        self.last = error.description
        logger.log(.warning, "cannot connect to NATS (retrying): \(error)", fields: [("server", server)])
    }

    /// Notes a connection: the next failure is news again.
    package mutating func connected() {
        self.last = nil
    }
}
