/// An IPv4 or IPv6 address: a 128-bit value plus its family.
///
/// IPv4 addresses keep their 32 bits in the low bits of ``value``. The two
/// families never compare equal: `10.0.0.1` and the IPv4-mapped IPv6 address
/// `::ffff:10.0.0.1` are different addresses, and nothing in this library
/// turns one into the other silently.
///
/// Ordering puts every IPv4 address before every IPv6 address, then orders by
/// numeric value, so sorting a mixed list is deterministic.
public struct IPAddress: Hashable, Comparable, Sendable {
    /// The address family.
    public enum Family: String, Hashable, Comparable, Sendable, CaseIterable, CustomStringConvertible {
        case ipv4 = "IPv4"
        case ipv6 = "IPv6"

        /// Number of bits in an address of this family (32 or 128).
        public var bitWidth: Int { self == .ipv4 ? 32 : 128 }

        /// The largest value an address of this family can hold.
        public var maxValue: UInt128 { self == .ipv4 ? UInt128(UInt32.max) : .max }

        public var description: String { rawValue }

        public static func < (lhs: Family, rhs: Family) -> Bool {
            lhs == .ipv4 && rhs == .ipv6
        }
    }

    /// The family of this address.
    public let family: Family
    /// The numeric value; for IPv4 only the low 32 bits are used.
    public let value: UInt128

    /// Creates an address from its numeric value.
    ///
    /// - Precondition: for IPv4, `value` fits in 32 bits.
    public init(family: Family, value: UInt128) {
        precondition(value <= family.maxValue, "IPv4 address value out of range")
        self.family = family
        self.value = value
    }

    /// An IPv4 address from its 32-bit value.
    public init(ipv4 value: UInt32) {
        self.family = .ipv4
        self.value = UInt128(value)
    }

    /// An IPv6 address from its 128-bit value.
    public init(ipv6 value: UInt128) {
        self.family = .ipv6
        self.value = value
    }

    /// Whether this is an IPv6 address of the form `::ffff:a.b.c.d`.
    ///
    /// Such addresses are IPv6 addresses here: they are printed in mixed
    /// notation but never treated as IPv4.
    public var isIPv4Mapped: Bool {
        family == .ipv6 && (value >> 32) == 0xffff
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.family != rhs.family { return lhs.family < rhs.family }
        return lhs.value < rhs.value
    }

    /// The address `distance` after this one, or `nil` past the family's end.
    public func advanced(by distance: UInt128) -> IPAddress? {
        let (sum, overflow) = value.addingReportingOverflow(distance)
        guard !overflow, sum <= family.maxValue else { return nil }
        return IPAddress(family: family, value: sum)
    }
}
