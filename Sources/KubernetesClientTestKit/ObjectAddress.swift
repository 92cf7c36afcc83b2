/// Where an object is stored: its resource and its key. Indexes by UID point here.
struct ObjectAddress: Hashable, Sendable {
    var resource: ResourceKey
    var key: ObjectKey
}
