/// A subscription whose messages go to a handler on the connection's I/O thread
/// (``NATSConnection/subscribe(to:queue:handler:)``).
///
/// It ends when unsubscribed, when its auto-unsubscribe count is reached, when the server
/// revokes it (permissions), or when the connection closes or drains.
public struct NATSHandlerSubscription: Sendable {
    /// The subscription id on the wire.
    public let sid: UInt64
    /// The subject subscribed to.
    public let subject: String
    /// The queue group, if any.
    public let queue: String?
    private let connection: NATSConnection

    init(sid: UInt64, subject: String, queue: String?, connection: NATSConnection) {
        self.sid = sid
        self.subject = subject
        self.queue = queue
        self.connection = connection
    }

    /// Stops delivery now.
    public func unsubscribe() {
        self.connection.unsubscribe(sid: self.sid, after: nil)
    }

    /// Stops delivery after `count` messages in total (counting those already delivered);
    /// the remaining count is re-armed after a reconnect.
    /// - Parameter count: The total number of messages to deliver.
    public func unsubscribe(after count: UInt64) {
        self.connection.unsubscribe(sid: self.sid, after: count)
    }
}
