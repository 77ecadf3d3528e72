import Testing

@testable import LicenseBusNATS

@Suite("Subscription queue, no socket")
struct SubscriptionBufferTests {
    private func messages(_ range: Range<Int>) -> [NATSMessage] {
        range.map { NATSMessage(subject: "s", replyTo: nil, headers: nil, payload: Array("m\($0)".utf8)) }
    }

    /// Takes every batch waiting now, oldest first, and returns their messages' texts in order.
    private func takeAll(_ buffer: SubscriptionBuffer) -> [String] {
        var texts: [String] = []
        while true {
            let taken = buffer.takeOldestBatch()
            guard !taken.messages.isEmpty else { return texts }
            texts += taken.messages[taken.start...].map { String(decoding: $0.payload, as: UTF8.self) }
        }
    }

    @Test("a waiting consumer gets the first of a batch; the rest wait in order, then further pushes queue behind them")
    func waiterThenQueue() async {
        let buffer = SubscriptionBuffer(limit: 100)
        async let first = buffer.next()
        // Give the consumer time to park, so the batch meets a waiter (the order must hold either way).
        try? await Task.sleep(for: .milliseconds(50))
        _ = buffer.push(self.messages(0..<3))
        #expect((await first).map { String(decoding: $0.payload, as: UTF8.self) } == "m0")
        _ = buffer.push(self.messages(3..<5))
        #expect(buffer.count == 4)
        #expect(self.takeAll(buffer) == ["m1", "m2", "m3", "m4"])
        #expect(buffer.count == 0)
        #expect(buffer.takeOldestBatch().messages.isEmpty)
    }

    @Test("past the limit new messages are dropped and counted; each episode is reported once")
    func dropEpisodes() {
        let buffer = SubscriptionBuffer(limit: 3)
        var result = buffer.push(self.messages(0..<5))
        #expect(result.dropped == 2 && result.startedDropping)
        result = buffer.push(self.messages(5..<6))
        #expect(result.dropped == 1 && !result.startedDropping)
        #expect(self.takeAll(buffer) == ["m0", "m1", "m2"])
        result = buffer.push(self.messages(6..<7))
        #expect(result.dropped == 0)
        result = buffer.push(self.messages(7..<10))
        #expect(result.dropped == 1 && result.startedDropping)
        #expect(self.takeAll(buffer) == ["m6", "m7", "m8"])
    }

    @Test("messages popped one by one and taken in bulk come out in arrival order, none twice")
    func mixedConsumption() async {
        let buffer = SubscriptionBuffer(limit: 1000)
        _ = buffer.push(self.messages(0..<4))
        _ = buffer.push(self.messages(4..<6))
        var seen: [String] = []
        if let message = await buffer.next() { seen.append(String(decoding: message.payload, as: UTF8.self)) }
        seen += self.takeAll(buffer)
        _ = buffer.push(self.messages(6..<8))
        if let message = await buffer.next() { seen.append(String(decoding: message.payload, as: UTF8.self)) }
        seen += self.takeAll(buffer)
        #expect(seen == (0..<8).map { "m\($0)" })
    }

    @Test("many one-message batches: order and count hold while consumed batches are compacted away")
    func manySmallBatches() async {
        let buffer = SubscriptionBuffer(limit: 10_000)
        for index in 0..<200 { _ = buffer.push(self.messages(index..<index + 1)) }
        var seen: [String] = []
        for _ in 0..<150 {
            if let message = await buffer.next() { seen.append(String(decoding: message.payload, as: UTF8.self)) }
        }
        #expect(buffer.count == 50)
        for index in 200..<300 { _ = buffer.push(self.messages(index..<index + 1)) }
        #expect(buffer.count == 150)
        seen += self.takeAll(buffer)
        #expect(seen == (0..<300).map { "m\($0)" })
        #expect(buffer.count == 0)
    }
}
