/// Why an allocation failed. A closed set: callers can map every case to a
/// claim condition reason.
public enum AllocationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Every allocatable address of the family is taken (or cooling down for another claim).
    case exhausted(IPAddress.Family)
    /// A static address lies outside every CIDR of the pool, or the pool has
    /// no CIDR of a requested family (then `address` is `nil`).
    case notInPool(IPAddress.Family, address: IPAddress?)
    /// A static address is inside the pool but never allocatable.
    case excluded(IPAddress, AddressUnavailability)
    /// A static address is held by another claim.
    case inUse(IPAddress)
    /// A static address was released by another claim and is still cooling down.
    case coolingDown(IPAddress)
    /// The request itself is incoherent.
    case invalidRequest(InvalidRequest)

    /// What makes a request incoherent.
    public enum InvalidRequest: Hashable, Sendable {
        case noFamilies
        case duplicateFamily(IPAddress.Family)
        case staticAddressOfUnrequestedFamily(IPAddress)
        case twoStaticAddressesOfOneFamily(IPAddress.Family)
    }

    public var description: String {
        switch self {
        case .exhausted(let family): "no free \(family) address in the pool"
        case .notInPool(let family, nil): "the pool has no \(family) CIDR"
        case .notInPool(_, let address?): "\(address) is outside every CIDR of the pool"
        case .excluded(let address, let why): "\(address) is not allocatable: \(why)"
        case .inUse(let address): "\(address) is already allocated to another claim"
        case .coolingDown(let address): "\(address) was released by another claim and is cooling down"
        case .invalidRequest(.noFamilies): "the request names no IP family"
        case .invalidRequest(.duplicateFamily(let family)): "IP family \(family) is requested twice"
        case .invalidRequest(.staticAddressOfUnrequestedFamily(let address)):
            "static address \(address) is \(address.family), which the request does not ask for"
        case .invalidRequest(.twoStaticAddressesOfOneFamily(let family)):
            "more than one static \(family) address"
        }
    }
}
