/// Renders rows as left-aligned, space-separated columns like `kubectl get`.
struct TableRenderer {
    let header: [String]
    var rows: [[String]] = []

    init(_ header: String...) { self.header = header }

    mutating func append(_ row: [String]) { rows.append(row) }

    func render() -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column])
            }.joined(separator: "   ")
        }.joined(separator: "\n")
    }
}

extension String {
    fileprivate func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}

extension PlanReport {
    /// The human-readable plan: claims, then pools, then notes.
    public func table() -> String {
        var claimTable = TableRenderer("NAMESPACE", "NAME", "SOURCE", "POOL", "ADDRESSES", "STATUS")
        for claim in claims {
            let addresses = claim.addresses?.map { "\($0.address)/\($0.prefixLength)" }.joined(separator: ",") ?? "-"
            let status = claim.bound ? (claim.existing ? "Bound (existing)" : "Bound") : "\(claim.reason ?? "Unbound"): \(claim.message ?? "")"
            claimTable.append([claim.namespace, claim.name, claim.source, claim.pool ?? "-", addresses, status])
        }
        var poolTable = TableRenderer("POOL", "READY", "FAMILY", "SIZE", "ALLOCATED", "COOLING", "FREE", "CONDITIONS")
        for pool in pools {
            var flags: [String] = []
            if !pool.ready { flags.append("\(pool.reason): \(pool.message ?? "")") }
            if pool.exhausted { flags.append("Exhausted") }
            if pool.lowCapacity { flags.append("LowCapacity") }
            let conditions = flags.isEmpty ? "-" : flags.joined(separator: "; ")
            let families = [("IPv4", pool.ipv4), ("IPv6", pool.ipv6)].compactMap { name, status in status.map { (name, $0) } }
            if families.isEmpty {
                poolTable.append([pool.name, pool.ready ? "True" : "False", "-", "-", "-", "-", "-", conditions])
            }
            for (name, status) in families {
                poolTable.append([
                    pool.name, pool.ready ? "True" : "False", name, status.size, String(status.allocated),
                    String(status.cooling ?? 0), status.free, conditions,
                ])
            }
        }
        var text = claimTable.render() + "\n\n" + poolTable.render() + "\n"
        if let notes, !notes.isEmpty {
            text += "\nNotes:\n" + notes.map { "- \($0)" }.joined(separator: "\n") + "\n"
        }
        return text
    }
}
