// libFuzzer entry for scripts/fuzz.sh, compiled with the reference it checks against
// (Tests/LicenseBusTestSupport/ClaimsInTwoSteps.swift): the one-pass payload decoder
// (`LicenseClaims(payload:)`) against the two steps it replaces (parse the whole JSON object,
// then type its claims). The same claims and `all` on success, the same error (code and text) on
// failure, for any bytes.
internal import LicenseBusCore

/// Called by libFuzzer with each input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzClaims(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let onePass = Result { () throws(LicenseError) -> LicenseClaims in try LicenseClaims(payload: input) }
    switch (onePass, ClaimsInTwoSteps.decode(Array(input))) {
    case (.success(let got), .success(let want)):
        precondition(got == want && got.all == want.all, "the one pass typed other claims")
    case (.failure(let got), .failure(let want)):
        // `LicenseError`'s `==` compares codes only; the text must be the same too.
        precondition(
            got.code == want.code && got.message == want.message,
            "the one pass refused with another error: \(got) against \(want)"
        )
    default:
        preconditionFailure("the one pass and the two steps disagree on accepting the payload")
    }
    return 0
}
