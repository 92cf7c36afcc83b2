import ControllerRuntime
import Testing

@Suite("LeaderElectionConfiguration")
struct LeaderElectionConfigurationTests {
    @Test("defaults are Kubernetes' 15 s / 10 s / 2 s, releasing on shutdown")
    func defaults() throws {
        let configuration = LeaderElectionConfiguration(identity: "a")
        #expect(configuration.leaseDuration == .seconds(15))
        #expect(configuration.renewDeadline == .seconds(10))
        #expect(configuration.retryPeriod == .seconds(2))
        #expect(configuration.releaseOnShutdown)
        #expect(configuration.leaseDurationSeconds == 15)
        try configuration.validate()
    }

    @Test(
        "invalid timings are refused",
        arguments: [
            (15, 10, 0, LeaderElectionConfigurationError.retryPeriodNotPositive(.zero)),
            (15, 2, 2, .renewDeadlineNotAboveRetryPeriod(renewDeadline: .seconds(2), retryPeriod: .seconds(2))),
            (15, 1, 2, .renewDeadlineNotAboveRetryPeriod(renewDeadline: .seconds(1), retryPeriod: .seconds(2))),
            (10, 10, 2, .leaseDurationNotAboveRenewDeadline(leaseDuration: .seconds(10), renewDeadline: .seconds(10))),
            (5, 10, 2, .leaseDurationNotAboveRenewDeadline(leaseDuration: .seconds(5), renewDeadline: .seconds(10))),
        ] as [(Int, Int, Int, LeaderElectionConfigurationError)])
    func invalid(lease: Int, renew: Int, retry: Int, expected: LeaderElectionConfigurationError) {
        let configuration = LeaderElectionConfiguration(
            identity: "a", leaseDuration: .seconds(lease), renewDeadline: .seconds(renew), retryPeriod: .seconds(retry))
        #expect(throws: expected) { try configuration.validate() }
    }

    @Test("an empty identity is refused")
    func emptyIdentity() {
        #expect(throws: LeaderElectionConfigurationError.emptyIdentity) {
            try LeaderElectionConfiguration(identity: "").validate()
        }
    }

    @Test("the written duration is rounded up to whole seconds")
    func roundsUp() {
        var configuration = LeaderElectionConfiguration(identity: "a")
        configuration.leaseDuration = .milliseconds(15_001)
        #expect(configuration.leaseDurationSeconds == 16)
        configuration.leaseDuration = .milliseconds(500)
        #expect(configuration.leaseDurationSeconds == 1)
    }
}
