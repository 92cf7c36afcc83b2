/// Why a ``LeaderElectionConfiguration`` cannot work.
public enum LeaderElectionConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `identity` is empty: two replicas could not be told apart.
    case emptyIdentity
    /// `retryPeriod` is zero or negative.
    case retryPeriodNotPositive(Duration)
    /// A leader would give up before its first retry.
    case renewDeadlineNotAboveRetryPeriod(renewDeadline: Duration, retryPeriod: Duration)
    /// Others could take over before the leader has given up.
    case leaseDurationNotAboveRenewDeadline(leaseDuration: Duration, renewDeadline: Duration)

    public var description: String {
        switch self {
        case .emptyIdentity:
            "leader election identity is empty"
        case .retryPeriodNotPositive(let period):
            "retry period \(period) must be positive"
        case .renewDeadlineNotAboveRetryPeriod(let deadline, let period):
            "renew deadline \(deadline) must be longer than the retry period \(period)"
        case .leaseDurationNotAboveRenewDeadline(let duration, let deadline):
            "lease duration \(duration) must be longer than the renew deadline \(deadline)"
        }
    }
}
