import Foundation
import LicenseBusCore
import LicenseBusCrypto
import LicenseBusLog
import LicenseBusNATS
import LicenseBusTestSupport
import LicenseClient
import Testing

@Suite("Hostile envelopes change nothing", .timeLimit(.minutes(1)))
struct HostileEnvelopeTests {
    @Test(
        "tampered, stale replay, other ring, unknown kid, forged, wrong audience, expired, garbage: state and key file unchanged, each counted and logged"
    )
    func hostile() async throws {
        let broker = try Broker()
        let folder = try TemporaryDirectory()
        let now = Int64(Date().timeIntervalSince1970)
        let valid = try LicenseFactory.token(jti: "lic-good", issuedAt: now - 100)
        let licenseFile = try folder.write("license.jwt", valid)
        let server = try RunningServer(broker: broker, licenseFile: licenseFile)
        let log = MemoryLogSink()
        let client = try makeClient(broker: broker, folder: folder, log: log)
        await client.start()
        #expect(client.status.license?.claims.licenseID == "lic-good")
        let keyPath = client.configuration.keyFile.path
        let fileBefore = try FileAccess.read(keyPath)

        let good = try LicenseFactory.envelope(valid)
        var tamperedParts = good.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var ciphertext = try #require(Base64URL.decode(tamperedParts[3]))
        ciphertext[7] ^= 0x20
        tamperedParts[3] = Base64URL.encode(ciphertext)
        let otherRingKid = try DistributionKeyRing(
            parsing: "dk-sample:" + Base64URL.encode([UInt8](repeating: 3, count: 32))
        )
        let hostile: [(String, LicenseError.Code)] = [
            (tamperedParts.joined(separator: "."), .decryptFailed),
            (try LicenseFactory.envelope(try LicenseFactory.token(jti: "lic-old", issuedAt: now - 1000)), .stale),
            (try LicenseFactory.envelope(try LicenseFactory.token(jti: "lic-x"), ring: otherRingKid), .decryptFailed),
            (
                try LicenseFactory.envelope(try LicenseFactory.token(jti: "lic-x"), ring: SampleKeys.otherRing),
                .unknownKID
            ),
            (
                try LicenseFactory.envelope(try LicenseFactory.token(jti: "lic-forged", key: SampleKeys.otherPrivate)),
                .badSignature
            ),
            (
                try LicenseFactory.envelope(try LicenseFactory.token(jti: "lic-aud", audience: "other-product")),
                .wrongAudience
            ),
            (try LicenseFactory.envelope(try LicenseFactory.token(jti: "lic-exp", expiresAt: now - 3600)), .expired),
            ("garbage \u{0}\u{1} not an envelope", .malformed),
        ]
        let publisher = try await NATSConnection.connect(
            try broker.natsConfiguration(.licenseServer)
        )
        for (envelope, _) in hostile { try publisher.publish(Array(envelope.utf8), to: "license.key") }
        try await publisher.flush()
        let total = hostile.count
        #expect(await eventually { client.rejectedEnvelopes.values.reduce(0, +) >= total })
        for (_, code) in hostile {
            #expect((client.rejectedEnvelopes[code] ?? 0) >= 1, "\(code) not counted")
            #expect(log.text.contains("[\(code)]"), "\(code) not logged")
        }
        #expect(client.status.state == .enterprise)
        #expect(client.status.license?.claims.licenseID == "lic-good")
        #expect(try FileAccess.read(keyPath) == fileBefore)
        await publisher.close()
        await client.stop()
        await server.stop()
    }
}
