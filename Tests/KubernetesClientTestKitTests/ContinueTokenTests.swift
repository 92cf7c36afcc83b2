@testable import KubernetesClientTestKit
import Testing

@Suite("Continue tokens")
struct ContinueTokenTests {
    @Test func roundTrip() throws {
        let token = ContinueToken(resourceVersion: 42, after: ObjectKey(namespace: "ns", name: "a/b+c"))
        #expect(try ContinueToken(decoding: token.encoded) == token)
        #expect(!token.encoded.contains("="))
    }

    @Test(arguments: ["", "!!!", "e30", "eyJydiI6IngifQ"])
    func malformed(text: String) {
        #expect(throws: FakeAPIError.self) { try ContinueToken(decoding: text) }
    }
}
