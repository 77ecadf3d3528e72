import Foundation
import LicenseBusNATS

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What receiving costs the subscriber alone: a loopback peer plays just enough of a server (INFO,
/// PONG to the handshake's PING) and, once it reads the SUB, writes N prepared 16-byte `MSG`s as
/// fast as the socket takes them. The figure covers read, parse, delivery and the consumer's
/// `for await`, with no `nats-server` and no publisher competing for the CPU. Prints the best of
/// several rounds (the VM's noise only adds).
enum ReceiveCostBenchmark {
    static func run(messages: Int, rounds: Int = 7) async throws {
        var best = Double.infinity
        for _ in 0..<rounds {
            let peer = try BlastingPeer(messages: messages)
            var configuration = NATSConfiguration()
            configuration.servers = [try ServerURL("nats://127.0.0.1:\(peer.port)")]
            configuration.subscriptionBufferLimit = messages + 1
            let connection = try await NATSConnection.connect(configuration)
            let start = ContinuousClock.now
            let subscription = try connection.subscribe(to: BlastingPeer.subject)
            var received = 0
            for await _ in subscription {
                received += 1
                if received == messages { break }
            }
            guard received == messages else { throw NATSError(.timeout, "received \(received) of \(messages)") }
            best = min(best, NATSBenchmark.seconds(since: start) * 1e9 / Double(messages))
            await connection.close()
        }
        print("swift receive-cost n=\(messages) size=16 best_ns_per_message=\(NATSBenchmark.format(best))")
    }
}

/// The peer of ``ReceiveCostBenchmark``: one listening socket, one thread, one client.
private final class BlastingPeer: Sendable {
    static let subject = "bench.receive"
    let port: UInt16
    private let listener: Int32

    init(messages: Int) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 1) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard listener >= 0, bound else { throw NATSError(.connectionFailed, "the benchmark peer cannot listen") }
        self.listener = listener
        self.port = UInt16(bigEndian: address.sin_port)
        let frame = Array("MSG \(Self.subject) 1 16\r\n0123456789abcdef\r\n".utf8)
        let stream = [UInt8]((0..<messages).lazy.flatMap { _ in frame })
        Thread.detachNewThread { Self.serve(listener, stream) }
    }

    deinit { close(self.listener) }

    private static func serve(_ listener: Int32, _ stream: [UInt8]) {
        let client = accept(listener, nil, nil)
        guard client >= 0 else { return }
        defer { close(client) }
        send(
            client,
            #"INFO {"server_id":"bench","version":"2.10.0","proto":1,"headers":true,"max_payload":1048576}"# + "\r\n"
        )
        guard readUntil(client, "PING\r\n") else { return }
        send(client, "PONG\r\n")
        guard readUntil(client, "SUB \(subject)") else { return }
        writeAll(client, stream)
        var sink = [UInt8](repeating: 0, count: 4096)
        while read(client, &sink, sink.count) > 0 {}  // until the client closes
    }

    private static func send(_ client: Int32, _ text: String) {
        writeAll(client, Array(text.utf8))
    }

    /// Writes every byte, blocking; stops early only if the connection fails.
    private static func writeAll(_ client: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var sent = 0
            while sent < buffer.count {
                let rest = UnsafeRawBufferPointer(rebasing: buffer[sent...])
                guard let start = rest.baseAddress else { return }
                let count = write(client, start, rest.count)
                guard count > 0 else { return }
                sent += count
            }
        }
    }

    /// Reads until `marker` has been seen; false when the connection ended first.
    private static func readUntil(_ client: Int32, _ marker: String) -> Bool {
        var seen: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        let wanted = Array(marker.utf8)
        while true {
            let count = read(client, &chunk, chunk.count)
            guard count > 0 else { return false }
            seen += chunk[0..<count]
            if seen.count >= wanted.count,
                (0...(seen.count - wanted.count)).contains(where: { seen[$0..<$0 + wanted.count].elementsEqual(wanted) }
                )
            {
                return true
            }
            guard seen.count < 1 << 20 else { return false }
        }
    }
}
