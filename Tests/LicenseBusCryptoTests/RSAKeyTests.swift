import Foundation
import LicenseBusCrypto
import LicenseBusTestSupport
import Testing

/// Keys in every PEM form, made by the `openssl` command line.
private final class OpenSSLKeys: Sendable {
    let folder: TemporaryDirectory
    let pkcs8: String
    let pkcs1Private: String
    let spki: String
    let pkcs1Public: String

    init() throws {
        self.folder = try TemporaryDirectory()
        let base = self.folder.path
        func openssl(_ arguments: [String]) throws -> String {
            let result = try ProcessRunner.run("openssl", arguments)
            guard result.status == 0 else { throw CocoaError(.fileReadUnknown) }
            return result.stdout
        }
        _ = try openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", base + "/key.pem"])
        self.pkcs8 = try String(contentsOfFile: base + "/key.pem", encoding: .utf8)
        self.pkcs1Private = try openssl(["rsa", "-in", base + "/key.pem", "-traditional"])
        self.spki = try openssl(["pkey", "-in", base + "/key.pem", "-pubout"])
        self.pkcs1Public = try openssl(["rsa", "-in", base + "/key.pem", "-RSAPublicKey_out"])
    }
}

@Suite("RSA keys from PEM")
struct RSAKeyTests {
    @Test("PKCS#8 and PKCS#1 private keys, SPKI and PKCS#1 public keys all load and agree")
    func allFormats() throws {
        let keys = try OpenSSLKeys()
        #expect(keys.pkcs1Private.contains("BEGIN RSA PRIVATE KEY"))
        #expect(keys.pkcs1Public.contains("BEGIN RSA PUBLIC KEY"))
        let fromPKCS8 = try RSAPrivateKey(pem: SecretBytes(copying: Array(keys.pkcs8.utf8)))
        let fromPKCS1 = try RSAPrivateKey(pem: SecretBytes(copying: Array(keys.pkcs1Private.utf8)))
        let publicKeys = [try RSAPublicKey(pem: keys.spki), try RSAPublicKey(pem: keys.pkcs1Public)]
        let message = Array("signed".utf8)
        for signer in [fromPKCS8, fromPKCS1] {
            #expect(signer.bits == 2048)
            let signature = try signer.signature(for: message, scheme: .pkcs1v15(.sha256))
            for key in publicKeys {
                #expect(try key.isValidSignature(signature, for: message, scheme: .pkcs1v15(.sha256)))
            }
        }
        #expect(try fromPKCS8.publicKey.pemEncoded() == keys.spki)
    }

    @Test("a private key PEM is refused where a public key is wanted")
    func privateWhereThePublicIsWanted() throws {
        let keys = try OpenSSLKeys()
        let error = #expect(throws: CryptoError.self) { try RSAPublicKey(pem: keys.pkcs8) }
        #expect(error?.code == .invalidKey)
        #expect(error?.message.contains("private key") == true)
    }

    @Test("an RSA key under 2048 bits is refused with its size")
    func tooSmall() throws {
        let folder = try TemporaryDirectory()
        let result = try ProcessRunner.run(
            "openssl",
            ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", folder.path + "/k.pem"]
        )
        #expect(result.status == 0)
        let pem = try String(contentsOfFile: folder.path + "/k.pem", encoding: .utf8)
        let error = #expect(throws: CryptoError.self) { try RSAPrivateKey(pem: SecretBytes(copying: Array(pem.utf8))) }
        #expect(error?.code == .keyTooSmall)
        #expect(error?.message.contains("1024") == true)
        #expect(throws: CryptoError.self) { try RSAPrivateKey.generate(bits: 1024) }
    }

    @Test("an EC key is refused as not RSA")
    func ecKey() throws {
        let result = try ProcessRunner.run(
            "openssl",
            ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]
        )
        let publicPEM = try ProcessRunner.run("openssl", ["pkey", "-pubout"], input: result.stdout).stdout
        let error = #expect(throws: CryptoError.self) { try RSAPublicKey(pem: publicPEM) }
        #expect(error?.code == .invalidKey)
        #expect(error?.message.contains("not RSA") == true)
    }

    @Test(
        "garbage, a certificate-like block and an encrypted key are refused with OpenSSL's reason",
        arguments: [
            "", "not a key", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
            String(repeating: "A", count: 100_000),
        ]
    )
    func garbage(text: String) {
        let error = #expect(throws: CryptoError.self) { try RSAPublicKey(pem: text) }
        #expect(error?.code == .invalidKey)
    }

    @Test("an encrypted private key is refused, not prompted for")
    func encryptedPrivateKey() throws {
        let keys = try OpenSSLKeys()
        let encrypted = try ProcessRunner.run(
            "openssl",
            ["pkey", "-aes256", "-passout", "pass:secret"],
            input: keys.pkcs8
        ).stdout
        #expect(encrypted.contains("ENCRYPTED"))
        let error = #expect(throws: CryptoError.self) {
            try RSAPrivateKey(pem: SecretBytes(copying: Array(encrypted.utf8)))
        }
        #expect(error?.code == .invalidKey)
    }

    @Test("a generated 3072-bit key signs PS256 with a 32-byte salt that verifies")
    func generate() throws {
        let key = try RSAPrivateKey.generate(bits: 3072)
        #expect(key.bits == 3072)
        let signature = try key.signature(for: [1, 2, 3], scheme: .pss(.sha256))
        #expect(signature.count == 384)
        #expect(try key.publicKey.isValidSignature(signature, for: [1, 2, 3], scheme: .pss(.sha256)))
        #expect(try !key.publicKey.isValidSignature(signature, for: [1, 2, 4], scheme: .pss(.sha256)))
        #expect(try !key.publicKey.isValidSignature([], for: [1, 2, 3], scheme: .pss(.sha256)))
    }

    @Test(
        "a signature checks against a digest the caller made: the message's SHA-256 verifies, any other digest does not",
        arguments: [RSASignatureScheme.pkcs1v15(.sha256), .pss(.sha256)]
    )
    func prehashed(scheme: RSASignatureScheme) throws {
        let key = SampleKeys.vendorPrivate
        let message: [UInt8] = Array("header.payload".utf8)
        let signature = try key.signature(for: message, scheme: scheme)
        func verifies(_ digest: [UInt8]) throws -> Bool {
            try signature.withUnsafeBytes { signature in
                try digest.withUnsafeBytes {
                    try key.publicKey.isValidSignature(signature, forDigest: $0, scheme: scheme)
                }
            }
        }
        #expect(try verifies(SHA256.hash(message)))
        #expect(try !verifies(SHA256.hash(message + [0])))
        #expect(try !verifies(Array(SHA256.hash(message).prefix(31))))
        #expect(try !verifies([]))
    }

    @Test(
        "one key checks messages of every length in turn, from four threads at once: each message is hashed alone",
        arguments: [RSASignatureScheme.pkcs1v15(.sha256), .pss(.sha256)]
    )
    func reusedContexts(scheme: RSASignatureScheme) async throws {
        let key = SampleKeys.vendorPrivate
        // Lengths around SHA-256's 64-byte block, so that a digest context not set up anew for
        // each message (state left from the one before) would fail the check.
        let messages = (0..<130).map { length in (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ length) } }
        let signatures = try messages.map { try key.signature(for: $0, scheme: scheme) }
        let failures = await withTaskGroup(of: Int.self) { group in
            for thread in 0..<4 {
                group.addTask {
                    var failures = 0
                    for round in 0..<3 {
                        for index in messages.indices {
                            let other = (index + thread + round + 1) % messages.count
                            let valid = try? key.publicKey.isValidSignature(
                                signatures[index],
                                for: messages[index],
                                scheme: scheme
                            )
                            let crossed = try? key.publicKey.isValidSignature(
                                signatures[other],
                                for: messages[index],
                                scheme: scheme
                            )
                            if valid != true || crossed != false { failures += 1 }
                        }
                    }
                    return failures
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
    }
}
