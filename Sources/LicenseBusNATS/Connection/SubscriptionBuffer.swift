import Synchronization

/// The bounded queue between the I/O thread and a subscription's consumer.
///
/// The I/O thread pushes a whole read's messages under one lock and resumes a waiting
/// consumer at most once per batch; the consumer pops one message per lock. Past `limit`
/// queued messages new ones are dropped (slow consumer) and counted.
///
/// A handler subscription's buffer queues nothing: each push hands its messages, in order,
/// to the handler on the pushing (I/O) thread, until the buffer is finished.
/// - Important: One consumer at a time; any number of producers.
final class SubscriptionBuffer: Sendable {
    private struct Storage {
        var items: [NATSMessage] = []
        var head = 0
        var waiter: CheckedContinuation<NATSMessage?, Never>?
        var isFinished = false
        var isDropping = false

        var count: Int { self.items.count - self.head }

        mutating func popFirst() -> NATSMessage? {
            guard self.head < self.items.count else { return nil }
            let message = self.items[self.head]
            self.head += 1
            if self.head == self.items.count {
                self.items.removeAll(keepingCapacity: true)
                self.head = 0
            } else if self.head >= 4096 && self.head * 2 >= self.items.count {
                self.items.removeFirst(self.head)
                self.head = 0
            }
            return message
        }
    }

    /// What a push did.
    struct PushResult {
        /// Messages dropped because the buffer was full.
        var dropped = 0
        /// Whether this push started a slow-consumer episode (report it once).
        var startedDropping = false
    }

    private let storage = Mutex(Storage())
    private let limit: Int
    private let handler: (@Sendable (NATSMessage) -> Void)?

    /// A queue of at most `limit` messages.
    init(limit: Int) {
        self.limit = max(1, limit)
        self.handler = nil
    }

    /// No queue: every message pushed goes to `handler`.
    init(handler: @escaping @Sendable (NATSMessage) -> Void) {
        self.limit = 1
        self.handler = handler
    }

    /// Queues messages, dropping what does not fit; or hands them to the handler.
    func push(_ messages: [NATSMessage]) -> PushResult {
        if let handler {
            guard !self.storage.withLock({ $0.isFinished }) else { return PushResult() }
            messages.forEach(handler)
            return PushResult()
        }
        var result = PushResult()
        let waiter = self.storage.withLock { storage -> (CheckedContinuation<NATSMessage?, Never>, NATSMessage)? in
            guard !storage.isFinished else { return nil }
            var start = 0
            var handOff: (CheckedContinuation<NATSMessage?, Never>, NATSMessage)?
            if let waiter = storage.waiter, let first = messages.first {
                storage.waiter = nil
                handOff = (waiter, first)
                start = 1
            }
            let incoming = messages.count - start
            let taken = min(incoming, max(0, self.limit - storage.count))
            if storage.count == 0 && taken == incoming {
                // The usual case: the queue was drained, so this read's array becomes the queue.
                storage.items = messages
                storage.head = start
            } else {
                storage.items.append(contentsOf: messages[start..<start + taken])
            }
            result.dropped = incoming - taken
            // A message that fits ends an episode; a drop after that starts a new one.
            if handOff != nil || taken > 0 { storage.isDropping = false }
            if result.dropped > 0 {
                result.startedDropping = !storage.isDropping
                storage.isDropping = true
            }
            return handOff
        }
        if let (continuation, message) = waiter { continuation.resume(returning: message) }
        return result
    }

    /// Ends the sequence once the queued messages are consumed.
    func finish() {
        let waiter = self.storage.withLock { storage -> CheckedContinuation<NATSMessage?, Never>? in
            storage.isFinished = true
            defer { storage.waiter = nil }
            return storage.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// The next message; nil when finished and empty, or when the task is cancelled.
    func next() async -> NATSMessage? {
        if let ready = self.storage.withLock({ storage -> NATSMessage?? in
            if let message = storage.popFirst() { return .some(message) }
            return storage.isFinished ? .some(nil) : nil
        }) {
            return ready
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<NATSMessage?, Never>) in
                let immediate = self.storage.withLock { storage -> NATSMessage?? in
                    if let message = storage.popFirst() { return .some(message) }
                    if storage.isFinished || Task.isCancelled { return .some(nil) }
                    storage.waiter = continuation
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = self.storage.withLock { storage -> CheckedContinuation<NATSMessage?, Never>? in
                defer { storage.waiter = nil }
                return storage.waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// Takes every message waiting now, in order (those of `messages` from `start` on), so an
    /// iterator can hand them out without taking the lock for each; they no longer count against
    /// the limit. The array is handed over whole, never copied.
    func takeAll() -> (messages: [NATSMessage], start: Int) {
        self.storage.withLock { storage in
            guard storage.head < storage.items.count else { return ([], 0) }
            var taken: [NATSMessage] = []
            swap(&taken, &storage.items)
            defer { storage.head = 0 }
            return (taken, storage.head)
        }
    }

    /// Messages queued and not yet consumed.
    var count: Int { self.storage.withLock { $0.count } }
}
