/// What a claim asks of one pool: families in order of preference and
/// optionally exact addresses.
public struct AllocationRequest: Hashable, Sendable {
    /// The families wanted, primary first; each at most once.
    public let families: [IPAddress.Family]
    /// Exact addresses wanted, at most one per family; a family without one
    /// gets a dynamically chosen address.
    public let staticAddresses: [IPAddress]

    /// Creates a request, checking that it is coherent.
    ///
    /// - Throws: ``AllocationError/invalidRequest(_:)`` when no family is
    ///   asked for, a family is repeated, or a static address is of a family
    ///   not asked for or shares its family with another static address.
    public init(families: [IPAddress.Family], staticAddresses: [IPAddress] = []) throws(AllocationError) {
        guard !families.isEmpty else { throw .invalidRequest(.noFamilies) }
        var seen: Set<IPAddress.Family> = []
        for family in families where !seen.insert(family).inserted {
            throw .invalidRequest(.duplicateFamily(family))
        }
        var staticFamilies: Set<IPAddress.Family> = []
        for address in staticAddresses {
            guard seen.contains(address.family) else {
                throw .invalidRequest(.staticAddressOfUnrequestedFamily(address))
            }
            guard staticFamilies.insert(address.family).inserted else {
                throw .invalidRequest(.twoStaticAddressesOfOneFamily(address.family))
            }
        }
        self.families = families
        self.staticAddresses = staticAddresses
    }

    /// The static address asked for in `family`, if any.
    public func staticAddress(for family: IPAddress.Family) -> IPAddress? {
        staticAddresses.first { $0.family == family }
    }
}

/// One address handed to a claim, with what a network interface needs.
public struct AllocatedAddress: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    /// The length of the pool prefix that holds the address.
    public let prefixLength: Int
    /// The pool's gateway for this address, if it has one of this family.
    public let gateway: IPAddress?

    public init(address: IPAddress, prefixLength: Int, gateway: IPAddress?) {
        self.address = address
        self.prefixLength = prefixLength
        self.gateway = gateway
    }

    /// `ADDRESS/LENGTH`, the form of the Pod `allocated` annotation.
    public var description: String { "\(address)/\(prefixLength)" }
}
