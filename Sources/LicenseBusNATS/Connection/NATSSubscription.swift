/// A subscription: an `AsyncSequence` of the messages delivered to it.
///
/// It ends when unsubscribed, when its auto-unsubscribe count is reached, when the server
/// revokes it (permissions), or when the connection closes or drains. Cancelling the task that
/// iterates ends the iteration and unsubscribes.
public struct NATSSubscription: AsyncSequence, Sendable {
    /// The element type.
    public typealias Element = NATSMessage

    /// The subscription id on the wire.
    public let sid: UInt64
    /// The subject subscribed to.
    public let subject: String
    /// The queue group, if any.
    public let queue: String?
    private let buffer: SubscriptionBuffer
    private let connection: NATSConnection

    init(sid: UInt64, subject: String, queue: String?, buffer: SubscriptionBuffer, connection: NATSConnection) {
        self.sid = sid
        self.subject = subject
        self.queue = queue
        self.buffer = buffer
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

    /// Messages received and not yet consumed.
    public var pendingCount: Int { self.buffer.count }

    /// The iterator.
    public func makeAsyncIterator() -> Iterator {
        Iterator(subscription: self)
    }

    /// Reads messages in arrival order. It takes what has arrived in one batch and hands it out
    /// without locking; a batch taken no longer counts as pending.
    public struct Iterator: AsyncIteratorProtocol {
        let subscription: NATSSubscription
        /// Messages taken from the buffer; each is moved out in turn (swapped for an empty one).
        private var batch: [NATSMessage] = []
        private var position = 0

        init(subscription: NATSSubscription) {
            self.subscription = subscription
        }

        /// The next message, or nil when the subscription ended or the task was cancelled.
        /// Runs on the caller's executor (`nonisolated(nonsending)`), so taking a message that is
        /// already queued costs no executor hop.
        nonisolated(nonsending) public mutating func next() async -> NATSMessage? {
            if self.position == self.batch.count {
                (self.batch, self.position) = self.subscription.buffer.takeOldestBatch()
            }
            if self.position < self.batch.count {
                var message = NATSMessage(subject: "", payload: [])
                swap(&message, &self.batch[self.position])
                self.position += 1
                return message
            }
            let message = await self.subscription.buffer.next()
            if message == nil && Task.isCancelled { self.subscription.unsubscribe() }
            return message
        }
    }
}
