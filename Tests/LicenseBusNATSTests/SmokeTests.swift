import LicenseBusNATS
import LicenseBusTestSupport
import Testing

@Suite("Smoke", .timeLimit(.minutes(1)))
struct SmokeTests {
    @Test("pub/sub and request/reply round trip against nats-server")
    func roundTrip() async throws {
        let server = try NATSServerProcess()
        let connection = try await NATSConnection.connect(NATSConfiguration(servers: [try ServerURL(server.url)]))
        let subscription = try connection.subscribe(to: "greet.*")
        try connection.publish(Array("hello".utf8), to: "greet.world")
        var iterator = subscription.makeAsyncIterator()
        let message = await iterator.next()
        #expect(message?.string == "hello")
        #expect(message?.subject == "greet.world")
        await connection.close()
    }
}
