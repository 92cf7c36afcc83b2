/// Timings and identity of a ``LeaderElector`` — client-go's `LeaderElectionConfig`.
///
/// The defaults are those of Kubernetes' own controllers: 15 s / 10 s / 2 s. Between them:
///
/// ```
/// last renewal ──── retryPeriod ──── retryPeriod … ─┬─ renewDeadline ──────────┬─ leaseDuration
///                                                  leader steps down here      others may take over here
/// ```
///
/// `leaseDuration - renewDeadline` is the margin in which a leader that cannot renew has stopped
/// its controllers before anyone else may start theirs; `renewDeadline / retryPeriod` is the
/// number of renewal attempts a leader gets before it gives up.
public struct LeaderElectionConfiguration: Sendable, Hashable {
    /// Who we are, written to `spec.holderIdentity`; unique per replica (e.g. the Pod name).
    public var identity: String
    /// How long others wait, after they last saw the lease change, before taking it over.
    /// Written to `spec.leaseDurationSeconds`, rounded up to whole seconds.
    public var leaseDuration: Duration
    /// How long a leader keeps leading without a successful renewal; then it steps down.
    public var renewDeadline: Duration
    /// How often candidates try to acquire, and leaders to renew.
    public var retryPeriod: Duration
    /// On leaving ``LeaderElector/run(whileLeading:)`` (graceful shutdown, cancellation, or the
    /// closure returning), give the lease up so a successor takes over at its next retry instead
    /// of waiting for the lease to expire — client-go's `ReleaseOnCancel`.
    public var releaseOnShutdown: Bool

    /// A configuration with Kubernetes' default timings (15 s / 10 s / 2 s).
    public init(
        identity: String,
        leaseDuration: Duration = .seconds(15),
        renewDeadline: Duration = .seconds(10),
        retryPeriod: Duration = .seconds(2),
        releaseOnShutdown: Bool = true
    ) {
        self.identity = identity
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
        self.releaseOnShutdown = releaseOnShutdown
    }

    /// `leaseDuration` as written to the Lease: whole seconds, rounded up (never shorter than
    /// what this elector assumes).
    public var leaseDurationSeconds: Int32 {
        let (seconds, attoseconds) = leaseDuration.components
        return Int32(clamping: seconds + (attoseconds > 0 ? 1 : 0))
    }

    /// Checks `identity` is set and `leaseDuration > renewDeadline > retryPeriod > 0`.
    public func validate() throws(LeaderElectionConfigurationError) {
        guard !identity.isEmpty else { throw .emptyIdentity }
        guard retryPeriod > .zero else { throw .retryPeriodNotPositive(retryPeriod) }
        guard renewDeadline > retryPeriod else {
            throw .renewDeadlineNotAboveRetryPeriod(renewDeadline: renewDeadline, retryPeriod: retryPeriod)
        }
        guard leaseDuration > renewDeadline else {
            throw .leaseDurationNotAboveRenewDeadline(leaseDuration: leaseDuration, renewDeadline: renewDeadline)
        }
    }
}
