@testable import IPAM

/// A seeded, deterministic pseudo-random generator (SplitMix64, Steele et al.),
/// so that every randomized test reproduces from the seed it prints.
///
/// Never `SystemRandomNumberGenerator`: a failure must replay exactly.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// A uniformly distributed 128-bit value.
    mutating func next128() -> UInt128 {
        UInt128(next()) << 64 | UInt128(next())
    }

    /// A value in `0..<bound` (bound > 0); slightly biased for huge bounds, which is fine for tests.
    mutating func below(_ bound: UInt128) -> UInt128 {
        precondition(bound > 0)
        return next128() % bound
    }

    /// An `Int` in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &self)
    }

    /// An `Int` in `range`.
    mutating func int(_ range: Range<Int>) -> Int {
        Int.random(in: range, using: &self)
    }

    /// `true` with probability `percent` / 100.
    mutating func chance(_ percent: Int) -> Bool {
        int(0..<100) < percent
    }

    /// A random element of a non-empty collection.
    mutating func pick<C: Collection>(_ collection: C) -> C.Element {
        collection.randomElement(using: &self)!
    }
}

/// The error `body` throws, or `nil` when it succeeds.
func failure<T, E: Error>(_ body: () throws(E) -> T) -> E? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

/// Parses an address that the test knows to be valid.
func addr(_ text: String) -> IPAddress {
    do { return try IPAddress(text) } catch { fatalError("test bug: \(error)") }
}

/// Parses a prefix that the test knows to be valid.
func prefix(_ text: String) -> IPPrefix {
    do { return try IPPrefix(text) } catch { fatalError("test bug: \(error)") }
}

/// Parses an exclusion entry that the test knows to be valid.
func range(_ text: String) -> IPRange {
    do { return try IPRange(addressRangeOrPrefix: text) } catch { fatalError("test bug: \(error)") }
}
