extension IPAddress: CustomStringConvertible {
    /// The canonical text: dotted decimal for IPv4, RFC 5952 for IPv6.
    ///
    /// RFC 5952: lowercase hex, no leading zeros in a group, the longest run
    /// of two or more zero groups (the first, on a tie) written as `::`, and
    /// IPv4-mapped addresses in mixed notation (`::ffff:192.0.2.1`).
    public var description: String {
        switch family {
        case .ipv4: return Self.formatIPv4(UInt32(truncatingIfNeeded: value))
        case .ipv6: return formatIPv6()
        }
    }

    /// The name of the `IPLease` object for this address.
    ///
    /// IPv4: the dotted-decimal text. IPv6: the eight groups, each written as
    /// four lowercase hex digits, joined by `-` (`fd00-0010-0000-…-0002`),
    /// because `:` is not allowed in object names and a fixed-width form has
    /// exactly one spelling per address.
    public var leaseName: String {
        switch family {
        case .ipv4:
            return description
        case .ipv6:
            return groups.map { group in
                let hex = String(group, radix: 16)
                return String(repeating: "0", count: 4 - hex.count) + hex
            }.joined(separator: "-")
        }
    }

    /// Parses a lease name made by ``leaseName``; `nil` for anything else.
    public init?(leaseName: String) {
        if !leaseName.contains("-") {
            guard let address = IPAddress(parsing: leaseName), address.family == .ipv4 else { return nil }
            self = address
            return
        }
        let parts = leaseName.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 8 else { return nil }
        var value: UInt128 = 0
        for part in parts {
            guard part.utf8.count == 4, part.utf8.allSatisfy({ hexValue($0) != nil && !(0x41...0x46).contains($0) }),
                let group = UInt16(part, radix: 16)
            else { return nil }
            value = value << 16 | UInt128(group)
        }
        self.init(ipv6: value)
    }

    /// The eight 16-bit groups of an IPv6 address, most significant first.
    var groups: [UInt16] {
        (0..<8).map { UInt16(truncatingIfNeeded: value >> (112 - 16 * UInt128($0))) }
    }

    static func formatIPv4(_ value: UInt32) -> String {
        "\(value >> 24).\((value >> 16) & 0xff).\((value >> 8) & 0xff).\(value & 0xff)"
    }

    private func formatIPv6() -> String {
        if isIPv4Mapped {
            return "::ffff:" + Self.formatIPv4(UInt32(truncatingIfNeeded: value))
        }
        let groups = self.groups
        // Longest run of zero groups, at least two long; the first wins a tie.
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            let start = index
            while index < 8, groups[index] == 0 { index += 1 }
            if index - start > bestLength {
                bestStart = start
                bestLength = index - start
            }
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }
}
