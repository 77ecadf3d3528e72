import LicenseBusTestSupport
import Testing

@testable import LicenseBusCrypto

/// The PEM decoder context keeps what it was made with alive until it decodes.
@Suite("PEM key decoder")
struct PEMKeyDecoderTests {
    /// Fills freshly freed small heap blocks with other bytes, as unrelated work between making
    /// a decoder and using it would.
    private func churnHeap() -> [[UInt8]] {
        (1...64).map { [UInt8](repeating: 0x41, count: $0) }
    }

    @Test("a decoder still decodes after the heap has been reused since it was made")
    func survivesHeapReuse() throws {
        let pem = Array(try Fixtures.text("license-samples/keys/vendor-test.pem").utf8)
        for _ in 0..<50 {
            let decoder = try PEMKeyDecoder(wantPrivate: false)
            let key = withExtendedLifetime(self.churnHeap()) { pem.withUnsafeBytes { decoder.decode($0) } }
            #expect(EVPKey(taking: try #require(key)).bits == 2048)
        }
    }

    @Test("a decoder that finds no key returns nil and leaves OpenSSL's reason queued")
    func refusesNonKeys() throws {
        let decoder = try PEMKeyDecoder(wantPrivate: true)
        OpenSSLErrorQueue.clear()
        #expect(
            Array("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".utf8).withUnsafeBytes {
                decoder.decode($0)
            } == nil
        )
        #expect(OpenSSLErrorQueue.drain() != nil)
    }
}
