import Foundation
import LicenseBusCrypto
import LicenseBusTestSupport
import Testing

private struct SignatureVector: Decodable, Sendable, CustomStringConvertible {
    let name: String
    let key: String
    let scheme: String
    let signing_input: String
    let signature: String
    var description: String { self.name }

    var rsaScheme: RSASignatureScheme {
        switch self.scheme {
        case "RS256": .pkcs1v15(.sha256)
        case "PS256": .pss(.sha256)
        case "PS384": .pss(.sha384)
        default: fatalError("unknown scheme \(self.scheme)")
        }
    }
}

private struct GCMVector: Decodable, Sendable, CustomStringConvertible {
    let name: String
    let key: String
    let iv: String
    let plaintext: String
    let aad: String
    let ciphertext: String
    let tag: String
    var description: String { self.name }
}

private func load<T: Decodable>(_ file: String) -> [T] {
    do {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.vectors + "/" + file))
        return try JSONDecoder().decode([T].self, from: data)
    } catch {
        fatalError("cannot load \(file): \(error)")
    }
}

@Suite("Published known answers")
struct KnownAnswerTests {
    @Test(
        "RFC 7515 A.2 and RFC 7520 §4.1/§4.2 signatures verify; a one-bit change does not",
        arguments: load("rsa-signature-vectors.json") as [SignatureVector]
    )
    fileprivate func rsaSignature(vector: SignatureVector) throws {
        let key = try RSAPublicKey(
            pem: try String(contentsOfFile: Fixtures.vectors + "/" + vector.key, encoding: .utf8)
        )
        let signature = try #require(Base64URL.decode(vector.signature))
        let message = Array(vector.signing_input.utf8)
        #expect(try key.isValidSignature(signature, for: message, scheme: vector.rsaScheme))

        var flippedSignature = signature
        flippedSignature[flippedSignature.count / 2] ^= 0x01
        #expect(try !key.isValidSignature(flippedSignature, for: message, scheme: vector.rsaScheme))
        var flippedMessage = message
        flippedMessage[5] ^= 0x01
        #expect(try !key.isValidSignature(signature, for: flippedMessage, scheme: vector.rsaScheme))
    }

    @Test("a PKCS#1 v1.5 signature is not accepted as PSS, nor the reverse")
    func schemesAreNotInterchangeable() throws {
        let vectors: [SignatureVector] = load("rsa-signature-vectors.json")
        let rs256 = try #require(vectors.first { $0.scheme == "RS256" })
        let key = try RSAPublicKey(pem: try String(contentsOfFile: Fixtures.vectors + "/" + rs256.key, encoding: .utf8))
        let signature = try #require(Base64URL.decode(rs256.signature))
        #expect(try !key.isValidSignature(signature, for: Array(rs256.signing_input.utf8), scheme: .pss(.sha256)))
    }

    @Test(
        "AES-256-GCM test cases 13-16 and RFC 7516 A.1 seal to the published ciphertext and tag, and open",
        arguments: load("aes-gcm-vectors.json") as [GCMVector]
    )
    fileprivate func aesGCM(vector: GCMVector) throws {
        let key = SecretBytes(copying: Fixtures.bytes(hex: vector.key))
        let iv = Fixtures.bytes(hex: vector.iv)
        let aad = Fixtures.bytes(hex: vector.aad)
        let sealed = try AESGCM.seal(Fixtures.bytes(hex: vector.plaintext), key: key, iv: iv, aad: aad)
        #expect(sealed.ciphertext == Fixtures.bytes(hex: vector.ciphertext))
        #expect(sealed.tag == Fixtures.bytes(hex: vector.tag))
        let opened = try AESGCM.open(sealed.ciphertext, tag: sealed.tag, key: key, iv: iv, aad: aad)
        #expect(opened == Fixtures.bytes(hex: vector.plaintext))
        // The same through the buffer form, into a larger buffer whose tail is left alone.
        var buffer = [UInt8](repeating: 0xAA, count: sealed.ciphertext.count + 4)
        try buffer.withUnsafeMutableBytes { plaintext in
            try sealed.ciphertext.withUnsafeBytes { ciphertext in
                try sealed.tag.withUnsafeBytes { tag in
                    try iv.withUnsafeBytes { iv in
                        try aad.withUnsafeBytes { aad in
                            try AESGCM.open(ciphertext, tag: tag, key: key, iv: iv, aad: aad, into: plaintext)
                        }
                    }
                }
            }
        }
        #expect(buffer == Fixtures.bytes(hex: vector.plaintext) + [0xAA, 0xAA, 0xAA, 0xAA])
    }

    @Test("AES-256-GCM refuses a changed tag, ciphertext, AAD, IV or key", arguments: 0..<5)
    func aesGCMTamper(part: Int) throws {
        var key = Array(repeating: UInt8(7), count: 32)
        var iv = Array(repeating: UInt8(1), count: 12)
        var aad = Array("header".utf8)
        let sealed = try AESGCM.seal(Array("the license".utf8), key: SecretBytes(copying: key), iv: iv, aad: aad)
        var ciphertext = sealed.ciphertext
        var tag = sealed.tag
        switch part {
        case 0: tag[0] ^= 1
        case 1: ciphertext[3] ^= 0x80
        case 2: aad[0] ^= 1
        case 3: iv[11] ^= 1
        default: key[31] ^= 1
        }
        let error = #expect(throws: CryptoError.self) {
            try AESGCM.open(ciphertext, tag: tag, key: SecretBytes(copying: key), iv: iv, aad: aad)
        }
        #expect(error?.code == .authenticationFailed)
        // The buffer form leaves no unauthenticated plaintext in the caller's buffer.
        var buffer = [UInt8](repeating: 0xAA, count: ciphertext.count)
        let bufferError = #expect(throws: CryptoError.self) {
            try buffer.withUnsafeMutableBytes { plaintext in
                try ciphertext.withUnsafeBytes { ciphertext in
                    try tag.withUnsafeBytes { tag in
                        try iv.withUnsafeBytes { iv in
                            try aad.withUnsafeBytes { aad in
                                try AESGCM.open(
                                    ciphertext,
                                    tag: tag,
                                    key: SecretBytes(copying: key),
                                    iv: iv,
                                    aad: aad,
                                    into: plaintext
                                )
                            }
                        }
                    }
                }
            }
        }
        #expect(bufferError?.code == .authenticationFailed)
        #expect(buffer == [UInt8](repeating: 0, count: ciphertext.count))
    }

    @Test("SHA-256 of FIPS 180-2 'abc' and of the empty string")
    func sha256() {
        let hex = { (bytes: [UInt8]) in bytes.map { String(format: "%02x", $0) }.joined() }
        #expect(
            hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )
        #expect(hex(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
