import Foundation
import IPAM
@testable import IPAMModel
import Testing

@Suite struct PoolOverlapTests {
    func losers(_ pools: [IPPool]) -> [String: String] {
        PoolOverlap.losers(among: pools.map(definition)).mapValues(\.winner)
    }

    @Test func theOlderPoolWinsByCreationTimestamp() throws {
        let result = PoolOverlap.losers(among: [
            definition(makePool("a", cidrs: ["10.0.0.0/24"], created: at(10))),
            definition(makePool("b", cidrs: ["10.0.0.128/25"], created: at(5))),
        ])
        #expect(result.count == 1)
        let loser = try #require(result["a"])
        #expect(loser.winner == "b")
        #expect(loser.cidr == prefix("10.0.0.0/24"))
    }

    @Test func sameTimestampFallsBackToName() {
        #expect(losers([
            makePool("zeta", cidrs: ["10.0.0.0/24"], created: at(0)),
            makePool("alpha", cidrs: ["10.0.0.0/16"], created: at(0)),
        ]) == ["zeta": "alpha"])
    }

    @Test func aPoolWithoutTimestampIsNewer() {
        #expect(losers([
            makePool("a", cidrs: ["10.0.0.0/24"]),
            makePool("b", cidrs: ["10.0.0.0/24"], created: at(100)),
        ]) == ["a": "b"])
        #expect(losers([
            makePool("b", cidrs: ["10.0.0.0/24"]),
            makePool("a", cidrs: ["10.0.0.0/24"]),
        ]) == ["b": "a"], "neither applied: by name")
    }

    @Test func aPoolOverlappingOnlyALoserIsAccepted() {
        // b loses to a; c overlaps b only, so c is accepted.
        #expect(losers([
            makePool("a", cidrs: ["10.0.0.0/24"], created: at(0)),
            makePool("b", cidrs: ["10.0.0.0/23"], created: at(1)),
            makePool("c", cidrs: ["10.0.1.0/24"], created: at(2)),
        ]) == ["b": "a"])
    }

    @Test func theSharedPrefixIsTheLosersOwn() throws {
        let result = PoolOverlap.losers(among: [
            definition(makePool("a", cidrs: ["fd00::/64"], created: at(0))),
            definition(makePool("b", cidrs: ["10.9.0.0/24", "fd00::/120"], created: at(1))),
        ])
        #expect(result["b"]?.winner == "a")
        #expect(result["b"]?.cidr == prefix("fd00::/120"))
    }

    @Test func familiesNeverOverlap() {
        #expect(losers([makePool("a", cidrs: ["0.0.0.0/0"]), makePool("b", cidrs: ["::/0"])]).isEmpty)
    }

    @Test func disjointPoolsAllWin() {
        #expect(losers([
            makePool("a", cidrs: ["10.0.0.0/25"]), makePool("b", cidrs: ["10.0.0.128/25"]),
            makePool("c", cidrs: ["fd00::/64"]),
        ]).isEmpty)
    }

    @Test(arguments: 0..<20)
    func independentOfInputOrder(seed: Int) {
        let pools = [
            makePool("a", cidrs: ["10.0.0.0/16"], created: at(30)),
            makePool("b", cidrs: ["10.0.1.0/24"], created: at(20)),
            makePool("c", cidrs: ["10.0.2.0/24"], created: at(20)),
            makePool("d", cidrs: ["10.0.0.0/8"]),
            makePool("e", cidrs: ["10.1.0.0/16", "fd00::/64"], created: at(10)),
            makePool("f", cidrs: ["fd00::/48"], created: at(40)),
            makePool("g", cidrs: ["fd00:1::/64"], created: at(40)),
            makePool("h", cidrs: ["10.0.1.128/25"], created: at(20)),
        ]
        let expected = ["a": "b", "d": "e", "f": "e", "h": "b"]
        #expect(losers(pools.shuffled(seed: UInt64(seed))) == expected)
    }
}
