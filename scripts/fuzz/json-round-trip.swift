// libFuzzer entry for scripts/fuzz.sh, compiled into the LicenseBusJSON module: any input must
// parse or be refused without a crash, and whatever parses must write and parse back unchanged.

/// Called by libFuzzer with each input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let value = try? JSONParser.parse(bytes) {
        let text = JSONWriter.compact(value)
        guard let again = try? JSONParser.parse(Array(text.utf8)) else {
            preconditionFailure("the writer's text does not parse: \(text)")
        }
        precondition(again == value, "the round trip changed the value: \(text)")
    }
    return 0
}
