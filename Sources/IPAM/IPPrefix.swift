/// A CIDR prefix such as `10.10.0.0/24` or `fd00:10::/120`.
///
/// Always in canonical form: the bits after ``length`` are zero. Parsing a
/// prefix with host bits set is an error that names the prefix probably meant,
/// because a silently masked `10.10.0.7/24` hides a typo.
public struct IPPrefix: Hashable, Comparable, Sendable {
    /// The first address of the prefix (host bits zero).
    public let address: IPAddress
    /// The prefix length, 0 through 32 (IPv4) or 128 (IPv6).
    public let length: Int

    /// Creates the prefix of `length` bits that contains `address`, masking host bits.
    ///
    /// - Precondition: `length` is within the family's bit width.
    public init(containing address: IPAddress, length: Int) {
        precondition((0...address.family.bitWidth).contains(length), "prefix length out of range")
        self.address = IPAddress(family: address.family, value: address.value & Self.networkMask(address.family, length))
        self.length = length
    }

    /// Parses `ADDRESS/LENGTH` strictly.
    public init(_ text: String) throws(IPAddressParseError) {
        let parser = IPAddressParser(text)
        guard let slash = parser.firstOffset(of: UInt8(ascii: "/")) else {
            if text.isEmpty { throw parser.failure(0, .empty) }
            throw parser.failure(parser.bytes.count, .missingPrefixLength)
        }
        let address = try parser.parseAddress(in: 0..<slash)
        let length = try parser.parseLength(in: (slash + 1)..<parser.bytes.count, maximum: address.family.bitWidth)
        let canonical = IPPrefix(containing: address, length: length)
        guard canonical.address == address else {
            throw parser.failure(0, .hostBitsSet(suggestion: canonical.description))
        }
        self = canonical
    }

    /// Parses `text`, returning `nil` instead of throwing.
    public init?(parsing text: String) {
        guard let prefix = try? IPPrefix(text) else { return nil }
        self = prefix
    }

    /// The family of the prefix.
    public var family: IPAddress.Family { address.family }

    /// The last address of the prefix (all host bits one).
    public var lastAddress: IPAddress {
        IPAddress(family: family, value: address.value | ~Self.networkMask(family, length) & family.maxValue)
    }

    /// All addresses of the prefix as one inclusive range.
    public var range: IPRange { IPRange(uncheckedFirst: address, last: lastAddress) }

    /// Whether `other` lies inside this prefix.
    public func contains(_ other: IPAddress) -> Bool {
        other.family == family && other.value & Self.networkMask(family, length) == address.value
    }

    /// Whether the two prefixes share at least one address.
    public func overlaps(_ other: IPPrefix) -> Bool {
        guard other.family == family else { return false }
        return contains(other.address) || other.contains(address)
    }

    public static func < (lhs: IPPrefix, rhs: IPPrefix) -> Bool {
        (lhs.address, lhs.length) < (rhs.address, rhs.length)
    }

    /// The mask whose first `length` bits (of the family's width) are one.
    static func networkMask(_ family: IPAddress.Family, _ length: Int) -> UInt128 {
        let hostBits = family.bitWidth - length
        let hostMask: UInt128 = hostBits >= 128 ? .max : (UInt128(1) << UInt128(hostBits)) - 1
        return family.maxValue & ~hostMask
    }
}

extension IPPrefix: CustomStringConvertible {
    /// Canonical text: the canonical address, `/`, the decimal length.
    public var description: String { "\(address)/\(length)" }
}
