/// FNV-1a, 64-bit: a fixed, documented hash for choosing `Hashed` offsets.
///
/// Swift's `Hasher` is seeded per process and must not decide addresses;
/// FNV-1a gives the same value in every process, language and release, so a
/// re-created claim lands on the same preferred address.
/// Offset basis 14695981039346656037, prime 1099511628211.
public enum FNV1a64 {
    public static let offsetBasis: UInt64 = 14_695_981_039_346_656_037
    public static let prime: UInt64 = 1_099_511_628_211

    /// The hash of `bytes`.
    public static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash = offsetBasis
        for byte in bytes { hash = step(hash, byte) }
        return hash
    }

    /// One round: the hash so far combined with the next byte.
    @inlinable
    public static func step(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* prime
    }

    /// The hash of the UTF-8 encoding of `text`.
    public static func hash(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { hash($0) }
    }
}
