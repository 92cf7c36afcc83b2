@testable import IPAMCtlKit
import IPAMModel
import Testing

@Suite struct TableRendererTests {
    @Test func columnsAreLeftAlignedAndTheLastIsNotPadded() {
        var table = TableRenderer("NAME", "POOL", "STATUS")
        table.append(["cart-db", "blue", "Bound"])
        table.append(["a", "web-b-long", "PoolExhausted: no room"])
        #expect(table.render() == """
            NAME      POOL         STATUS
            cart-db   blue         Bound
            a         web-b-long   PoolExhausted: no room
            """)
    }

    @Test func aHeaderAlone() {
        #expect(TableRenderer("A", "B").render() == "A   B")
    }

    /// The words of each line, for comparisons that do not depend on column widths.
    func words(_ line: Substring) -> [String] { line.split(separator: " ").map(String.init) }

    @Test func thePlanTableOfTheSamples() throws {
        let text = SamplesTests.report.table()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(words(lines[0]) == ["NAMESPACE", "NAME", "SOURCE", "POOL", "ADDRESSES", "STATUS"])
        #expect(words(lines[1]) == ["infra", "bgp-peer-v6", "IPClaim", "dual", "fd00:20::10/64", "Bound"])
        #expect(lines.contains { words($0) == ["shop", "cart-db", "IPClaim", "blue", "10.10.0.2/24", "Bound"] })
        #expect(lines.contains { words($0) == ["infra", "router-0", "Pod", "dual", "10.20.0.12/24,fd00:20::13/64", "Bound"] })
        // Columns line up: each row's pool starts where the header's POOL does.
        let poolColumn = try #require(lines[0].range(of: "POOL")).lowerBound.utf16Offset(in: lines[0])
        for line in lines[1...15] {
            #expect(line.utf16.count > poolColumn)
            #expect(Array(line.utf16)[poolColumn - 1] == UInt16(UInt8(ascii: " ")))
            #expect(Array(line.utf16)[poolColumn] != UInt16(UInt8(ascii: " ")), "\(line)")
        }
        #expect(lines[16].isEmpty)
        #expect(words(lines[17]) == ["POOL", "READY", "FAMILY", "SIZE", "ALLOCATED", "COOLING", "FREE", "CONDITIONS"])
        #expect(lines.contains { words($0) == ["dual", "True", "IPv6", "18446744073709551600", "5", "0", "18446744073709551595", "-"] })
        #expect(lines.contains { words($0) == ["web-c", "True", "IPv4", "125", "0", "0", "125", "-"] })
        #expect(text.hasSuffix("\n"))
        #expect(!text.contains("Notes:"))
    }

    @Test func failuresExistingBindingsAndNotes() {
        let text = PlanReport(PlanReportTests.mixedPlan()).table()
        let lines = text.split(separator: "\n")
        #expect(lines.contains { words($0) == ["n", "kept", "IPClaim", "tiny", "10.0.0.1/30", "Bound", "(existing)"] })
        #expect(lines.contains { words($0) == ["n", "b", "IPClaim", "-", "-", "PoolExhausted:", "pool", "tiny:", "no", "free", "IPv4", "address", "in", "the", "pool"] })
        #expect(lines.contains { words($0).starts(with: ["broken", "False", "-", "-", "-", "-", "-", "Invalid:"]) })
        #expect(lines.contains { words($0).starts(with: ["tiny", "True", "IPv4", "2", "2", "0", "0", "Exhausted;", "LowCapacity"]) })
        #expect(lines.contains { $0.hasPrefix("zz-shadowed") && $0.contains("Overlapping: ") })
        #expect(text.contains("\nNotes:\n- IPLease 10.7.0.1: pool gone is not a valid pool"))
    }
}
