/// An inclusive range of addresses of one family, written `FIRST-LAST`.
///
/// A range may be a single address (`first == last`). It never mixes families
/// and never runs backwards.
public struct IPRange: Hashable, Comparable, Sendable {
    /// The first address in the range.
    public let first: IPAddress
    /// The last address in the range (inclusive).
    public let last: IPAddress

    /// Creates a range, or `nil` if the bounds differ in family or are reversed.
    public init?(first: IPAddress, last: IPAddress) {
        guard first.family == last.family, first.value <= last.value else { return nil }
        self.first = first
        self.last = last
    }

    init(uncheckedFirst first: IPAddress, last: IPAddress) {
        self.first = first
        self.last = last
    }

    /// The range holding exactly one address.
    public init(_ address: IPAddress) {
        self.first = address
        self.last = address
    }

    /// Parses `FIRST-LAST` (both addresses of one family, first ≤ last).
    public init(_ text: String) throws(IPAddressParseError) {
        let parser = IPAddressParser(text)
        guard let dash = parser.firstOffset(of: UInt8(ascii: "-")) else {
            if text.isEmpty { throw parser.failure(0, .empty) }
            throw parser.failure(parser.bytes.count, .missingRangeSeparator)
        }
        let first = try parser.parseAddress(in: 0..<dash)
        let last = try parser.parseAddress(in: (dash + 1)..<parser.bytes.count)
        guard first.family == last.family else { throw parser.failure(dash + 1, .mixedFamilies) }
        guard first.value <= last.value else { throw parser.failure(dash + 1, .rangeReversed) }
        self.init(uncheckedFirst: first, last: last)
    }

    /// Parses an exclusion entry: a single address, a `FIRST-LAST` range or a CIDR prefix.
    public init(addressRangeOrPrefix text: String) throws(IPAddressParseError) {
        if text.utf8.contains(UInt8(ascii: "/")) {
            self = try IPPrefix(text).range
        } else if text.utf8.contains(UInt8(ascii: "-")) {
            self = try IPRange(text)
        } else {
            self = IPRange(try IPAddress(text))
        }
    }

    /// The family of both bounds.
    public var family: IPAddress.Family { first.family }

    /// The bounds as a closed range of numeric values.
    public var values: ClosedRange<UInt128> { first.value...last.value }

    /// Whether `address` lies in the range.
    public func contains(_ address: IPAddress) -> Bool {
        address.family == family && values.contains(address.value)
    }

    public static func < (lhs: IPRange, rhs: IPRange) -> Bool {
        (lhs.first, lhs.last) < (rhs.first, rhs.last)
    }
}

extension IPRange: CustomStringConvertible {
    /// `FIRST-LAST`, or the single address when both are equal.
    public var description: String {
        first == last ? first.description : "\(first)-\(last)"
    }
}
