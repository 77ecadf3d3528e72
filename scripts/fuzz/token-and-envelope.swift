// libFuzzer entry for scripts/fuzz.sh: the first parsers a bus message meets. Each input is read
// as an envelope (`LicenseEnvelope.open`, the sample distribution key ring) and as a license
// (`LicenseVerifier.verifyIgnoringTime`, the sample vendor key; no issuer or audience set). Any
// bytes must end in success or in an error whose code the step may give (SPEC §5), and what a
// step accepts must decode the same way for display (`UnverifiedToken`, `license-tool inspect`).
// scripts/fuzz.sh copies the sample key and ring into the work folder this runs in.
import Foundation
internal import LicenseBusCore
internal import LicenseBusCrypto
internal import LicenseBusJSON

private let ring: DistributionKeyRing = {
    let text = try! String(contentsOfFile: "distribution.ring", encoding: .utf8)
    return try! DistributionKeyRing(parsing: text.trimmingCharacters(in: .whitespacesAndNewlines))
}()

private let verifier: LicenseVerifier = {
    let pem = try! String(contentsOfFile: "vendor-test.pem", encoding: .utf8)
    return LicenseVerifier(trustedKeys: try! VendorKeySet(pems: [(id: "vendor-test", pem: pem)]))
}()

private let envelopeCodes: Set<LicenseError.Code> = [.malformed, .unknownKID, .decryptFailed]
private let licenseCodes: Set<LicenseError.Code> = [
    .malformed, .unsupportedAlg, .wrongType, .untrustedKey, .badSignature,
]

/// Called by libFuzzer with each input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenAndEnvelope(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    checkEnvelope(text)
    checkLicense(text)
    return 0
}

private func checkEnvelope(_ text: String) {
    do {
        _ = try LicenseEnvelope.open(text, ring: ring)
        guard case .envelope(let header) = try UnverifiedToken.decode(text) else {
            preconditionFailure("an envelope that opens is not shown as an envelope")
        }
        precondition(header["kid"] == .string(ring.entries[0].id), "an envelope opened under a kid not in the ring")
    } catch {
        precondition(envelopeCodes.contains(error.code), "opening an envelope gave \(error.code): \(error)")
    }
}

private func checkLicense(_ text: String) {
    do {
        let license = try verifier.verifyIgnoringTime(text)
        guard case .license(let header, let payload) = try UnverifiedToken.decode(text) else {
            preconditionFailure("a license that verifies is not shown as a license")
        }
        precondition(header == license.header, "a verified license shows another header")
        precondition(payload == .object(license.claims.all), "a verified license shows other claims")
    } catch {
        precondition(licenseCodes.contains(error.code), "verifying a license gave \(error.code): \(error)")
    }
}
