import Foundation
import LicenseBusTestSupport
import Testing

@testable import LicenseBusNATS

/// A user seed and its public key made by Python's `nkeys` (an independent implementation).
private func pythonUserKey() throws -> (seed: String, publicKey: String) {
    let result = try ProcessRunner.run(
        "python3",
        [
            "-c",
            "import nkeys, os; s = nkeys.encode_seed(os.urandom(32), nkeys.PREFIX_BYTE_USER); "
                + "print(s.decode(), nkeys.from_seed(bytearray(s)).public_key.decode())",
        ]
    )
    let parts = result.stdout.split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
    guard result.status == 0, parts.count == 2 else { throw NATSError(.invalidConfiguration, result.stderr) }
    return (parts[0], parts[1])
}

@Suite("NKey authentication", .timeLimit(.minutes(1)))
struct NKeyTests {
    @Test("base32 (RFC 4648 vectors, unpadded) and CRC-16/XMODEM ('123456789' is 0x31C3)")
    func encodings() {
        for (plain, encoded) in [
            ("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            #expect(NKeyEncoding.base32Encode(Array(plain.utf8)) == encoded)
            #expect(NKeyEncoding.base32Decode(encoded) == Array(plain.utf8))
        }
        #expect(NKeyEncoding.base32Decode("MZ1") == nil)
        #expect(NKeyEncoding.crc16(Array("123456789".utf8)) == 0x31C3)
    }

    @Test("a seed made by nkeys gives the same public key here")
    func publicKeyMatches() throws {
        for _ in 0..<5 {
            let key = try pythonUserKey()
            #expect(try NKeySeed(key.seed).publicKey == key.publicKey)
        }
    }

    @Test("bad seeds are refused naming the fault, never showing the seed")
    func badSeeds() throws {
        let key = try pythonUserKey()
        var flipped = Array(key.seed)
        flipped[10] = flipped[10] == "A" ? "B" : "A"
        let faults: [(String, String)] = [
            (String(flipped), "checksum"), (String(key.seed.dropLast(4)), "36 bytes"), ("SU!!", "base32"),
            (key.publicKey, "36 bytes"),
        ]
        for (text, fault) in faults {
            let error = #expect(throws: NATSError.self) { try NKeySeed(text) }
            #expect(error?.message.contains(fault) == true, "\(fault): \(error?.message ?? "")")
            #expect(error?.message.contains(key.seed) == false)
        }
        #expect(!"\(try NKeySeed(key.seed))".contains(key.seed))
    }

    @Test("a user listed by its public key in the server's authorization block connects; a wrong seed is refused")
    func realServer() async throws {
        let allowed = try pythonUserKey()
        let stranger = try pythonUserKey()
        let server = try NATSServerProcess(
            configuration: "authorization { users = [ { nkey: \"\(allowed.publicKey)\" } ] }\n"
        )
        let connection = try await NATSConnection.connect(
            try testConfiguration(server.url) { $0.nkeySeed = try? NKeySeed(allowed.seed) }
        )
        let subscription = try connection.subscribe(to: "nkey.ok")
        try connection.publish(Array("signed in".utf8), to: "nkey.ok")
        #expect(await subscription.collect(1).first?.string == "signed in")
        await connection.close()
        let error = await #expect(throws: NATSError.self) {
            try await NATSConnection.connect(
                try testConfiguration(server.url) { $0.nkeySeed = try? NKeySeed(stranger.seed) }
            )
        }
        #expect(error?.code == .authorizationViolation)
    }
}
