/// Decides how long a key waits before it is retried: the `RateLimiter` of client-go's work queue.
///
/// A pure value: the queue owns one, mutates it under its lock and passes the current instant, so
/// limiters are tested without a clock. ``WorkQueue/addRateLimited(_:)`` asks ``when(_:now:)``
/// and schedules the key after that delay; ``WorkQueue/forget(_:)`` calls ``forget(_:)`` when
/// the key succeeded.
///
/// Provided: ``ItemExponentialBackoff`` (per key), ``BucketRateLimiter`` (overall),
/// ``MaxOfRateLimiter`` (the longest of several; ``MaxOfRateLimiter/controllerDefault()`` is
/// client-go's `DefaultControllerRateLimiter`).
public protocol WorkQueueRateLimiter<Key, Instant>: Sendable {
    associatedtype Key: Hashable & Sendable
    associatedtype Instant: InstantProtocol where Instant.Duration == Duration

    /// Records one more retry of `key` at `now` and returns how long it must wait.
    mutating func when(_ key: Key, now: Instant) -> Duration

    /// Forgets `key`'s history (it succeeded): its next retry starts from the shortest delay.
    mutating func forget(_ key: Key)

    /// How many times `key` has been retried since it was last forgotten.
    func numRequeues(_ key: Key) -> Int
}
