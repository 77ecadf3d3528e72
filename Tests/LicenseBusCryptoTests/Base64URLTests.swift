import Foundation
import LicenseBusCrypto
import LicenseBusTestSupport
import Testing

@Suite("Base64url (RFC 4648 §5, no padding)")
struct Base64URLTests {
    @Test(
        "RFC 4648 §10 vectors, without padding",
        arguments: [
            ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ]
    )
    func rfc4648(plain: String, encoded: String) {
        #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
        #expect(Base64URL.decode(encoded) == Array(plain.utf8))
    }

    @Test("uses - and _ where base64 uses + and /")
    func urlAlphabet() {
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
        #expect(Base64URL.decode("-_-_") == [0xFB, 0xFF, 0xBF])
    }

    @Test(
        "rejects padding, other alphabets, white space, 4n+1 lengths and non-canonical trailing bits",
        arguments: ["Zg==", "Zm9v+", "Zm9v/", "Zm 9v", "Zm9\n", "Z", "Zm9vY", "Zh", "Zm9", "Zm+v", "é"]
    )
    func rejects(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test("a byte outside the alphabet is rejected at every position of a full group and of a tail")
    func everyForeignByteEverywhere() {
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        // 30 characters: three two-group steps, one single group, and a two-character tail.
        let valid = Array("Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZg".utf8)
        #expect(valid.withUnsafeBytes { Base64URL.decode($0) } == Array("foobarbazquxquuxcorgef".utf8))
        for byte in UInt8.min...UInt8.max where !alphabet.contains(byte) {
            for position in valid.indices {
                var text = valid
                text[position] = byte
                let decoded = text.withUnsafeBytes { Base64URL.decode($0) }
                #expect(decoded == nil, "byte \(byte) at \(position)")
            }
        }
    }

    @Test("round-trips every length from 0 to 300 bytes of every value")
    func roundTrip() {
        for length in 0...300 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ length) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
    }

    @Test("decoding into a caller's buffer gives what decoding to an array gives, for every length")
    func intoBuffer() {
        var random = SplitMix64(seed: 0xB64)
        for length in 0...70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            var text = Array(Base64URL.encode(bytes).utf8)
            #expect(Base64URL.decodedCount(ofEncoded: text.count) == length)
            for corrupt in [false, true] where !(corrupt && text.isEmpty) {
                if corrupt { text[Int.random(in: 0..<text.count, using: &random)] = UInt8(ascii: "=") }
                let expected = text.withUnsafeBytes { Base64URL.decode($0) }
                // A larger buffer: the bytes past the decoded length are left alone.
                var output = [UInt8](repeating: 0xEE, count: length + 9)
                let isValid = text.withUnsafeBytes { ascii in
                    output.withUnsafeMutableBytes { Base64URL.decode(ascii, into: $0) }
                }
                #expect(isValid == (expected != nil))
                if let expected { #expect(output == expected + [UInt8](repeating: 0xEE, count: 9)) }
            }
        }
        #expect(Base64URL.decodedCount(ofEncoded: 5) == nil)
    }

    @Test("agrees with Foundation's base64 (alphabet mapped, padding dropped) for random bytes of every length")
    func agreesWithFoundation() {
        var random = SplitMix64(seed: 0xF0)
        for length in 0...200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            let foundation = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == foundation, "length \(length)")
            #expect(Base64URL.decode(foundation) == bytes, "length \(length)")
        }
    }
}
