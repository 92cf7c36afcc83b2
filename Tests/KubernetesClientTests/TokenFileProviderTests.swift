import Foundation
import KubernetesClient
import Testing

@Suite struct TokenFileProviderTests {
    private func setModificationDate(_ path: String, _ date: Date) throws {
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path)
    }

    @Test func readsAndTrimsTheToken() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("token", "  \teyJhbGciOiJSUzI1NiJ9.first\n\n")
        let provider = TokenFileProvider(path: path, logger: ClientConfiguration.silentLogger)

        #expect(try await provider.authorizationHeader() == "Bearer eyJhbGciOiJSUzI1NiJ9.first")
    }

    @Test func rereadsWhenTheSizeChanges() async throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock()
        let path = try directory.write("token", "short")
        let fixedDate = Date(timeIntervalSince1970: 1_800_000_000)
        try setModificationDate(path, fixedDate)
        let provider = TokenFileProvider(
            path: path, logger: ClientConfiguration.silentLogger, clock: clock.function)
        #expect(try await provider.authorizationHeader() == "Bearer short")

        try directory.write("token", "a-longer-token")
        try setModificationDate(path, fixedDate)  // only the size tells

        #expect(try await provider.authorizationHeader() == "Bearer a-longer-token")
    }

    @Test func rereadsWhenTheModificationDateChanges() async throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock()
        let path = try directory.write("token", "token-one")
        try setModificationDate(path, Date(timeIntervalSince1970: 1_800_000_000))
        let provider = TokenFileProvider(
            path: path, logger: ClientConfiguration.silentLogger, clock: clock.function)
        #expect(try await provider.authorizationHeader() == "Bearer token-one")

        try directory.write("token", "token-two")  // same size
        try setModificationDate(path, Date(timeIntervalSince1970: 1_800_000_100))

        #expect(try await provider.authorizationHeader() == "Bearer token-two")
    }

    @Test func sameDateAndSizeIsCachedForAMinuteThenReread() async throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock()
        let path = try directory.write("token", "token-one")
        let fixedDate = Date(timeIntervalSince1970: 1_800_000_000)
        try setModificationDate(path, fixedDate)
        let provider = TokenFileProvider(
            path: path, logger: ClientConfiguration.silentLogger, clock: clock.function)
        #expect(try await provider.authorizationHeader() == "Bearer token-one")

        // A rewrite that neither date nor size reveals (rotation within one timestamp tick).
        try directory.write("token", "token-two")
        try setModificationDate(path, fixedDate)

        clock.advance(by: 59)
        #expect(try await provider.authorizationHeader() == "Bearer token-one")
        clock.advance(by: 1)
        #expect(try await provider.authorizationHeader() == "Bearer token-two")
    }

    @Test func projectedVolumeSymlinkSwapIsPickedUp() async throws {
        // The kubelet's atomic writer: token -> ..data/token, ..data -> ..2024_01_01_xxx, swapped by rename.
        let directory = try TemporaryDirectory()
        try directory.write("..2024_a/token", "rotated-token-a")
        try directory.write("..2024_b/token", "rotated-token-b")  // same size
        let fileManager = FileManager.default
        try fileManager.createSymbolicLink(atPath: directory.url("..data"), withDestinationPath: "..2024_a")
        try fileManager.createSymbolicLink(atPath: directory.url("token"), withDestinationPath: "..data/token")
        let provider = TokenFileProvider(path: directory.url("token"), logger: ClientConfiguration.silentLogger)
        #expect(try await provider.authorizationHeader() == "Bearer rotated-token-a")

        try fileManager.createSymbolicLink(atPath: directory.url("..data_tmp"), withDestinationPath: "..2024_b")
        #expect(rename(directory.url("..data_tmp"), directory.url("..data")) == 0)

        #expect(try await provider.authorizationHeader() == "Bearer rotated-token-b")
    }

    @Test func missingFileIsAnError() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.url("absent-token")
        let provider = TokenFileProvider(path: path, logger: ClientConfiguration.silentLogger)

        let error = await #expect(throws: ConfigurationError.self) {
            try await provider.authorizationHeader()
        }

        #expect(error?.source == .tokenFile)
        #expect(error?.file == path)
        #expect(error?.description == "token file \(path): cannot read: no such file")
    }

    @Test(arguments: ["", "   \n\t\n"])
    func emptyFileIsAnError(contents: String) async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("token", contents)
        let provider = TokenFileProvider(path: path, logger: ClientConfiguration.silentLogger)

        let error = await #expect(throws: ConfigurationError.self) {
            try await provider.authorizationHeader()
        }

        #expect(error?.description == "token file \(path): the file is empty")
    }

    @Test func keepsTheLastTokenWhenTheFileDisappearsUntilInvalidated() async throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock()
        let path = try directory.write("token", "still-valid-token")
        let recorder = RecordingLogHandler()
        let provider = TokenFileProvider(path: path, logger: recorder.logger(), clock: clock.function)
        #expect(try await provider.authorizationHeader() == "Bearer still-valid-token")

        try FileManager.default.removeItem(atPath: path)
        clock.advance(by: 120)
        #expect(try await provider.authorizationHeader() == "Bearer still-valid-token")

        await provider.invalidate()
        await #expect(throws: ConfigurationError.self) {
            try await provider.authorizationHeader()
        }
        #expect(!recorder.everything.contains("still-valid-token"))
        #expect(recorder.records.allSatisfy { $0.level <= .debug })
    }

    @Test func invalidateForcesARead() async throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock()
        let path = try directory.write("token", "token-one")
        let fixedDate = Date(timeIntervalSince1970: 1_800_000_000)
        try setModificationDate(path, fixedDate)
        let provider = TokenFileProvider(path: path, logger: ClientConfiguration.silentLogger, clock: clock.function)
        #expect(try await provider.authorizationHeader() == "Bearer token-one")
        try directory.write("token", "token-two")
        try setModificationDate(path, fixedDate)

        await provider.invalidate()

        #expect(try await provider.authorizationHeader() == "Bearer token-two")
    }

    @Test func credentialsTokenFileMakesAFileProvider() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("token", "via-credentials")
        let provider = Credentials.tokenFile(path).makeProvider(logger: ClientConfiguration.silentLogger)

        #expect(try await provider.authorizationHeader() == "Bearer via-credentials")
        #expect(
            try await Credentials.token("static").makeProvider(logger: ClientConfiguration.silentLogger)
                .authorizationHeader() == "Bearer static")
        #expect(
            try await Credentials.none.makeProvider(logger: ClientConfiguration.silentLogger)
                .authorizationHeader() == nil)
    }
}
