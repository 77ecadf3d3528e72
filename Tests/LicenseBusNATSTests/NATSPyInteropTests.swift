import Foundation
import LicenseBusNATS
import LicenseBusTestSupport
import Testing

@Suite("Interop with nats-py, an independent client", .timeLimit(.minutes(1)))
struct NATSPyInteropTests {
    @Test("a nats-py request with headers reaches us intact; our reply with headers reaches nats-py intact")
    func headersBothWays() async throws {
        let server = try NATSServerProcess()
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        let service = try connection.subscribe(to: "interop.echo")
        try await connection.flush()
        let seen = Task { () -> NATSMessage? in
            for await request in service {
                var headers = NATSHeaders([("From", "swift")])
                headers.append("Multi", "x")
                headers.append("Multi", "y")
                if let reply = request.replyTo {
                    try? connection.publish(Array("reply:".utf8) + request.payload, to: reply, headers: headers)
                }
                return request
            }
            return nil
        }
        let script = """
            import asyncio, json, os, nats
            async def main():
                nc = await nats.connect(os.environ["URL"])
                msg = await nc.request("interop.echo", b"payload\\r\\nwith crlf", timeout=5,
                                       headers={"From": "python", "Trace-Id": "42"})
                print(json.dumps({"data": msg.data.decode(), "from": msg.headers.get("From"),
                                  "multi": msg.headers.get("Multi")}))
                await nc.close()
            asyncio.run(main())
            """
        let result = try await ProcessRunner.runDetached("python3", ["-c", script], environment: ["URL": server.url])
        #expect(result.status == 0, "\(result.stderr)")
        let request = await seen.value
        #expect(request?.string == "payload\r\nwith crlf")
        #expect(request?.headers?["From"] == "python")
        #expect(request?.headers?["Trace-Id"] == "42")
        let reply = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(reply?["data"] as? String == "reply:payload\r\nwith crlf")
        #expect(reply?["from"] as? String == "swift")
        #expect(reply?["multi"] != nil)
        await connection.close()
    }

    @Test("messages published by nats-py with headers arrive here in order")
    func pythonPublishes() async throws {
        let server = try NATSServerProcess()
        let connection = try await NATSConnection.connect(try testConfiguration(server.url))
        let subscription = try connection.subscribe(to: "interop.stream")
        try await connection.flush()
        let script = """
            import asyncio, os, nats
            async def main():
                nc = await nats.connect(os.environ["URL"])
                for i in range(100):
                    await nc.publish("interop.stream", f"m{i}".encode(), headers={"Seq": str(i)})
                await nc.flush()
                await nc.close()
            asyncio.run(main())
            """
        let result = try await ProcessRunner.runDetached("python3", ["-c", script], environment: ["URL": server.url])
        #expect(result.status == 0, "\(result.stderr)")
        let messages = await subscription.collect(100)
        #expect(messages.map(\.string) == (0..<100).map { "m\($0)" })
        #expect(messages.map { $0.headers?["Seq"] } == (0..<100).map { String($0) })
        await connection.close()
    }
}
