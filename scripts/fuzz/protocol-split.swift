// libFuzzer entry for scripts/fuzz.sh, compiled into the LicenseBusNATS protocol sources: any
// bytes from a server must parse or end in a protocol error without a crash, and the same bytes
// split in two (at a place the first byte picks) must give the same operations and the same end.

/// Called by libFuzzer with each input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProtocol(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let stream = UnsafeRawBufferPointer(rebasing: input[1...])
    let cut = min(Int(input[0]), stream.count)
    let whole = parse([stream])
    let split = parse([
        UnsafeRawBufferPointer(rebasing: stream[..<cut]), UnsafeRawBufferPointer(rebasing: stream[cut...]),
    ])
    precondition(whole.operations == split.operations, "a split changed the operations")
    precondition(whole.failed == split.failed, "a split changed whether the stream is refused")
    return 0
}

/// Feeds `reads` to one parser, as a socket would deliver them.
private func parse(_ reads: [UnsafeRawBufferPointer]) -> (operations: [ServerOperation], failed: Bool) {
    var parser = ProtocolParser()
    var operations: [ServerOperation] = []
    do {
        for read in reads {
            try parser.parse(read) { operation throws(NATSError) in operations.append(operation) }
        }
        return (operations, false)
    } catch {
        return (operations, true)
    }
}
