import LicenseBusCrypto
import LicenseBusTestSupport
import Testing

@Suite("TLS wrapper: context files and a socket-free session")
struct TLSSessionTests {
    let files = TestCertificates.shared

    @Test(
        "a context loads a CA file and a matching certificate and key; bad files are invalid_configuration, naming the file"
    )
    func contextFiles() throws {
        _ = try TLSClientContext(TLSClientConfiguration())
        _ = try TLSClientContext(
            TLSClientConfiguration(
                caFile: self.files.path("ca.pem"),
                certificateFile: self.files.path("client.pem"),
                keyFile: self.files.path("client.key")
            )
        )
        let cases: [(TLSClientConfiguration, String)] = [
            (TLSClientConfiguration(caFile: "/nonexistent/ca.pem"), "/nonexistent/ca.pem"),
            (TLSClientConfiguration(caFile: self.files.path("client.key")), "client.key"),
            (TLSClientConfiguration(certificateFile: self.files.path("client.pem")), "both"),
            (
                TLSClientConfiguration(
                    certificateFile: self.files.path("client.pem"),
                    keyFile: self.files.path("server.key")
                ),
                "does not belong"
            ),
            (
                TLSClientConfiguration(certificateFile: self.files.path("ca.pem"), keyFile: "/nonexistent/key.pem"),
                "/nonexistent/key.pem"
            ),
        ]
        for (configuration, words) in cases {
            let error = #expect(throws: CryptoError.self) { try TLSClientContext(configuration) }
            #expect(error?.code == .invalidConfiguration)
            #expect(error?.message.contains(words) == true, "\(String(describing: error))")
        }
    }

    @Test("a new session's first flight is a TLS ClientHello record, with SNI for a name and none for an IP address")
    func clientHello() throws {
        let context = try TLSClientContext(TLSClientConfiguration(caFile: self.files.path("ca.pem")))
        for (name, expectsSNI) in [("nats.example", true), ("127.0.0.1", false), ("::1", false)] {
            let session = try TLSSession(context: context, serverName: name)
            #expect(try session.handshake() == false)
            var output: [UInt8] = []
            session.takeOutput(into: &output)
            #expect(output.count > 50)
            #expect(output.first == 0x16)  // handshake record
            #expect(output.dropFirst(5).first == 0x01)  // ClientHello
            #expect(output.starts(with: [0x16, 0x03]))
            let containsName = output.indices.contains { output[$0...].starts(with: Array(name.utf8)) }
            #expect(containsName == expectsSNI, "\(name)")
        }
    }

    @Test("the ClientHello offers TLS 1.3 and 1.2 only (supported_versions), never 1.1 or older")
    func minimumVersion() throws {
        let context = try TLSClientContext(TLSClientConfiguration(caFile: self.files.path("ca.pem")))
        let session = try TLSSession(context: context, serverName: "localhost")
        _ = try session.handshake()
        var hello: [UInt8] = []
        session.takeOutput(into: &hello)
        // Record (5) + handshake header (4) + version (2) + random (32), then the session id,
        // cipher suites and compression methods, each with its length, then the extensions.
        var index = 5 + 4 + 2 + 32
        index += 1 + Int(hello[index])
        index += 2 + (Int(hello[index]) << 8 | Int(hello[index + 1]))
        index += 1 + Int(hello[index])
        let extensionsEnd = index + 2 + (Int(hello[index]) << 8 | Int(hello[index + 1]))
        index += 2
        var versions: [UInt16] = []
        while index + 4 <= extensionsEnd {
            let type = Int(hello[index]) << 8 | Int(hello[index + 1])
            let length = Int(hello[index + 2]) << 8 | Int(hello[index + 3])
            if type == 0x002b {
                let list = hello[(index + 5)..<(index + 4 + length)]
                versions = stride(from: list.startIndex, to: list.endIndex, by: 2).map {
                    UInt16(list[$0]) << 8 | UInt16(list[$0 + 1])
                }
            }
            index += 4 + length
        }
        #expect(Set(versions) == [0x0304, 0x0303])
    }

    @Test("bytes that are not TLS (a NATS INFO) end the handshake with handshake_failed")
    func notTLS() throws {
        let context = try TLSClientContext(TLSClientConfiguration(caFile: self.files.path("ca.pem")))
        let session = try TLSSession(context: context, serverName: "localhost")
        _ = try session.handshake()
        let info = Array("INFO {\"server_id\":\"x\",\"tls_required\":true}\r\n".utf8)
        info.withUnsafeBytes { session.feed($0) }
        let error = #expect(throws: CryptoError.self) { try session.handshake() }
        #expect(error?.code == .handshakeFailed)
        #expect(error?.underlying != nil)
    }
}
