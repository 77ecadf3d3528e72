#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A connected, non-blocking TCP socket, closed in `deinit`. The I/O thread reads it; a caller
/// may write to it while the connection's state says nobody else does (`ConnectionState.isWriting`).
///
/// - Important: Sendable because its only state is an immutable descriptor and the kernel
///   serializes `send`/`recv` on it; who may write when is decided under the connection's lock.
final class TCPSocket: @unchecked Sendable {
    let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(self.descriptor)
    }

    /// Resolves `host` and connects to the first address that answers within `timeout`.
    ///
    /// The wait polls `wake` too, so closing the connection interrupts a slow connect.
    /// - Throws: ``NATSError`` `connectionFailed` naming the host and the system's reason;
    ///   `connectionClosed` when woken by a close.
    static func connect(
        host: String,
        port: Int,
        timeout: Duration,
        wake: WakeSignal,
        isClosed: () -> Bool
    )
        throws(NATSError) -> TCPSocket
    {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if os(Linux)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw NATSError(.connectionFailed, "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(first) }
        var lastReason = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            entry = address.pointee.ai_next
            do {
                return try connect(to: address.pointee, timeout: timeout, wake: wake, isClosed: isClosed)
            } catch let error where error.code == .connectionClosed {
                throw error
            } catch {
                lastReason = error.message
            }
        }
        throw NATSError(.connectionFailed, "cannot connect to \(host):\(port): \(lastReason)")
    }

    private static func connect(
        to address: addrinfo,
        timeout: Duration,
        wake: WakeSignal,
        isClosed: () -> Bool
    )
        throws(NATSError) -> TCPSocket
    {
        #if os(Linux)
        let type = address.ai_socktype | Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
        #else
        let type = address.ai_socktype
        #endif
        let descriptor = socket(address.ai_family, type, address.ai_protocol)
        guard descriptor >= 0 else { throw NATSError(.connectionFailed, systemError()) }
        let socket = TCPSocket(descriptor: descriptor)
        #if !os(Linux)
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        var noSignal: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &noSignal, socklen_t(MemoryLayout<Int32>.size))
        #endif
        var noDelay: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        #if os(Linux)
        let started = Glibc.connect(descriptor, address.ai_addr, address.ai_addrlen)
        #else
        let started = Darwin.connect(descriptor, address.ai_addr, address.ai_addrlen)
        #endif
        if started == 0 { return socket }
        guard errno == EINPROGRESS else { throw NATSError(.connectionFailed, systemError()) }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            if isClosed() { throw NATSError.closed }
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { throw NATSError(.connectionFailed, "timed out after \(timeout)") }
            var descriptors = [
                pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0),
                pollfd(fd: wake.readDescriptor, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&descriptors, 2, milliseconds(remaining))
            if ready < 0 && errno != EINTR { throw NATSError(.connectionFailed, systemError()) }
            if descriptors[1].revents != 0 { wake.drain() }
            if descriptors[0].revents != 0 { break }
        }
        var socketError: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &socketError, &length)
        guard socketError == 0 else { throw NATSError(.connectionFailed, systemError(socketError)) }
        return socket
    }

    enum IOResult {
        case done(Int)
        case wouldBlock
        case failed(NATSError)
    }

    /// Sends what the kernel takes now.
    func send(_ bytes: UnsafeRawBufferPointer) -> IOResult {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return .done(0) }
        while true {
            #if os(Linux)
            let sent = Glibc.send(self.descriptor, base, bytes.count, Int32(MSG_NOSIGNAL))
            #else
            let sent = Darwin.send(self.descriptor, base, bytes.count, 0)
            #endif
            if sent >= 0 { return .done(sent) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed(NATSError(.connectionFailed, systemError()))
            }
        }
    }

    /// Receives what is there now; `.done(0)` is never returned (end of stream is `.failed`).
    func receive(into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        while true {
            let received = recv(self.descriptor, buffer.baseAddress, buffer.count, 0)
            if received > 0 { return .done(received) }
            if received == 0 { return .failed(NATSError(.connectionFailed, "the server closed the connection")) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed(NATSError(.connectionFailed, systemError()))
            }
        }
    }
}

/// A duration as whole milliseconds for `poll`, rounded up, capped at one hour.
func milliseconds(_ duration: Duration) -> Int32 {
    let (seconds, attoseconds) = duration.components
    guard seconds < 3600 else { return 3_600_000 }
    guard seconds >= 0, duration > .zero else { return 0 }
    let millis = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    return Int32(millis)
}
