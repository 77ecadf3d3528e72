import Foundation

/// A scripted NATS server on a loopback port: each accepted connection runs `script` on its
/// own thread, writing exact bytes and reading what the client sends.
final class FakeServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var accepted = 0

    /// Connections accepted so far.
    var acceptedCount: Int { self.lock.withLock { self.accepted } }

    init(script: @escaping @Sendable (FakeConnection, Int) throws -> Void) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        listen(descriptor, 16)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.listener = descriptor
        let thread = Thread { [self] in
            while true {
                let client = accept(descriptor, nil, nil)
                if client < 0 { return }
                let index = self.lock.withLock {
                    self.accepted += 1
                    return self.accepted
                }
                Thread.detachNewThread {
                    let connection = FakeConnection(descriptor: client)
                    try? script(connection, index)
                    connection.close()
                }
            }
        }
        thread.start()
    }

    deinit {
        shutdown(self.listener, Int32(SHUT_RDWR))
        Foundation.close(self.listener)
    }

    var url: String { "nats://127.0.0.1:\(self.port)" }

    static let info =
        "INFO {\"server_id\":\"FAKE\",\"version\":\"2.99.0\",\"proto\":1,\"headers\":true,\"max_payload\":1048576}\r\n"
}

/// One client connection of the fake server.
final class FakeConnection: @unchecked Sendable {
    private let descriptor: Int32
    private var received = ""

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    func send(_ text: String) {
        var bytes = Array(text.utf8)
        _ = Foundation.send(self.descriptor, &bytes, bytes.count, Int32(MSG_NOSIGNAL))
    }

    /// Reads until `marker` has been received (after earlier reads), returning all text so far.
    @discardableResult
    func read(until marker: String, timeout: TimeInterval = 5) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !self.received.contains(marker) {
            guard Date() < deadline else { throw FakeServerError.timeout(marker, self.received) }
            var descriptor = pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 50) > 0 else { continue }
            let count = recv(self.descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { throw FakeServerError.closed(self.received) }
            self.received += String(decoding: buffer[0..<count], as: UTF8.self)
        }
        return self.received
    }

    /// Reads until the bytes received (after earlier reads) end with `marker`, and returns them as
    /// bytes: for transfers too large to search as text after every read.
    func readBytes(endingWith marker: String, timeout: TimeInterval) throws -> [UInt8] {
        let deadline = Date().addingTimeInterval(timeout)
        let suffix = Array(marker.utf8)
        var bytes = Array(self.received.utf8)
        self.received = ""
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !bytes.ends(with: suffix) {
            guard Date() < deadline else { throw FakeServerError.timeout(marker, "\(bytes.count) bytes") }
            var descriptor = pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 50) > 0 else { continue }
            let count = recv(self.descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { throw FakeServerError.closed("\(bytes.count) bytes") }
            bytes += buffer[0..<count]
        }
        return bytes
    }

    /// Sets the socket's receive buffer (`SO_RCVBUF`), so that a client's writes fill it soon.
    func setReceiveBuffer(_ size: Int32) {
        var value = size
        _ = setsockopt(self.descriptor, SOL_SOCKET, SO_RCVBUF, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Reads and drops up to `count` bytes, for at most `timeout`; returns how many came.
    @discardableResult
    func discard(upTo count: Int, timeout: TimeInterval) -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var dropped = 0
        while dropped < count && Date() < deadline {
            var descriptor = pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 50) > 0 else { continue }
            let received = recv(self.descriptor, &buffer, min(buffer.count, count - dropped), 0)
            guard received > 0 else { break }
            dropped += received
        }
        return dropped
    }

    /// Forgets what was read so far.
    func consume() { self.received = "" }

    /// Performs the server side of a normal handshake (INFO, read CONNECT and PING, send PONG).
    @discardableResult
    func handshake(info: String = FakeServer.info) throws -> String {
        self.send(info)
        let text = try self.read(until: "PING\r\n")
        self.consume()
        self.send("PONG\r\n")
        return text
    }

    func close() {
        shutdown(self.descriptor, Int32(SHUT_RDWR))
        Foundation.close(self.descriptor)
    }
}

extension Array where Element == UInt8 {
    /// Whether the bytes end with `suffix`.
    func ends(with suffix: [UInt8]) -> Bool {
        self.count >= suffix.count && self[(self.count - suffix.count)...].elementsEqual(suffix)
    }
}

enum FakeServerError: Error {
    case timeout(String, String)
    case closed(String)
}
