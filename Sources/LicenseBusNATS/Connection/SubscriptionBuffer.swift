import LicenseBusSync

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
        /// The queued reads' arrays, oldest first, each kept whole as the I/O thread pushed it
        /// (so its messages are never copied one by one); `batchHead` is the oldest one still
        /// queued, and `head` its first message not yet consumed.
        var batches: [[NATSMessage]] = []
        var batchHead = 0
        var head = 0
        var count = 0
        var waiter: CheckedContinuation<NATSMessage?, Never>?
        var isFinished = false
        var isDropping = false

        /// Queues `batch` from `start` on; it becomes the only batch when the queue is empty.
        mutating func append(_ batch: [NATSMessage], from start: Int) {
            guard start < batch.count else { return }
            if self.count == 0 {
                self.batches.removeAll(keepingCapacity: true)
                self.batchHead = 0
                self.head = start
                self.batches.append(batch)
            } else {
                // Only the oldest batch has a start offset (`head`); a later one keeps its tail.
                self.batches.append(start == 0 ? batch : Array(batch[start...]))
            }
            self.count += batch.count - start
        }

        mutating func popFirst() -> NATSMessage? {
            guard self.count > 0 else { return nil }
            let message = self.batches[self.batchHead][self.head]
            self.head += 1
            self.count -= 1
            if self.head == self.batches[self.batchHead].count { self.dropOldestBatch() }
            return message
        }

        /// Hands over the oldest batch and where its unconsumed messages start.
        mutating func takeOldestBatch() -> (messages: [NATSMessage], start: Int) {
            guard self.count > 0 else { return ([], 0) }
            var taken: [NATSMessage] = []
            swap(&taken, &self.batches[self.batchHead])
            let start = self.head
            self.count -= taken.count - start
            self.dropOldestBatch()
            return (taken, start)
        }

        private mutating func dropOldestBatch() {
            self.batches[self.batchHead] = []
            self.batchHead += 1
            self.head = 0
            if self.batchHead == self.batches.count {
                self.batches.removeAll(keepingCapacity: true)
                self.batchHead = 0
            } else if self.batchHead >= 64 && self.batchHead * 2 >= self.batches.count {
                self.batches.removeFirst(self.batchHead)
                self.batchHead = 0
            }
        }
    }

    /// What a push did.
    struct PushResult {
        /// Messages dropped because the buffer was full.
        var dropped = 0
        /// Whether this push started a slow-consumer episode (report it once).
        var startedDropping = false
    }

    private let storage = Locked(Storage())
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
            if taken == incoming {
                // The usual case: this read's array joins the queue whole.
                storage.append(messages, from: start)
            } else if taken > 0 {
                storage.append(Array(messages[start..<start + taken]), from: 0)
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

    /// Takes the oldest queued batch (its messages from `start` on), so an iterator can hand them
    /// out without taking the lock for each; they no longer count against the limit. The array
    /// is handed over whole, never copied. Empty when nothing waits.
    func takeOldestBatch() -> (messages: [NATSMessage], start: Int) {
        self.storage.withLock { $0.takeOldestBatch() }
    }

    /// Messages queued and not yet consumed.
    var count: Int { self.storage.withLock { $0.count } }
}
