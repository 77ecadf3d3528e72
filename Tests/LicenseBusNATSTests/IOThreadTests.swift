import Foundation
import Testing

@testable import LicenseBusNATS

@Suite("I/O thread")
struct IOThreadTests {
    #if os(Linux)
    @Test("an I/O thread carries its name, so top -H, ps -L and profilers show it")
    func named() async throws {
        let name = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String, any Error>) in
            do throws(NATSError) {
                try IOThread.start {
                    let comm = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
                    continuation.resume(returning: comm.trimmingCharacters(in: .whitespacesAndNewlines))
                }
            } catch {
                continuation.resume(throwing: error)
            }
        }
        #expect(name == IOThread.name)
        #expect(name == "nats-io")
    }
    #endif
}
