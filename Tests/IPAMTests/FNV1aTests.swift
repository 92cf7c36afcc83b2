import Testing

@testable import IPAM

@Suite("FNV1a64")
struct FNV1aTests {
    @Test func parameters() {
        #expect(FNV1a64.offsetBasis == 14_695_981_039_346_656_037)
        #expect(FNV1a64.offsetBasis == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a64.prime == 1_099_511_628_211)
        #expect(FNV1a64.prime == 0x100_0000_01b3)
    }

    /// Vectors from the FNV reference test suite (Fowler, Noll, Vo).
    @Test(arguments: [
        ("", UInt64(0xcbf2_9ce4_8422_2325)),
        ("a", 0xaf63_dc4c_8601_ec8c),
        ("b", 0xaf63_df4c_8601_f1a5),
        ("c", 0xaf63_de4c_8601_eff2),
        ("fo", 0x0898_5907_b541_d342),
        ("foo", 0xdcb2_7518_fed9_d577),
        ("foob", 0xdd12_0e79_0c25_12af),
        ("fooba", 0xcac1_65af_a2fe_f40a),
        ("foobar", 0x8594_4171_f739_67e8),
    ])
    func knownVectors(text: String, hash: UInt64) {
        #expect(FNV1a64.hash(text) == hash)
        #expect(FNV1a64.hash(Array(text.utf8)) == hash)
    }

    @Test func stepIsOneRound() {
        #expect(FNV1a64.step(FNV1a64.offsetBasis, UInt8(ascii: "a")) == 0xaf63_dc4c_8601_ec8c)
        let folded = Array("foobar".utf8).reduce(FNV1a64.offsetBasis, FNV1a64.step)
        #expect(folded == 0x8594_4171_f739_67e8)
    }

    @Test func emptyIsTheOffsetBasis() {
        #expect(FNV1a64.hash("") == 14_695_981_039_346_656_037)
        #expect(FNV1a64.hash([UInt8]()) == FNV1a64.offsetBasis)
    }

    /// Claim keys this project relies on (a change here moves every `Hashed` address).
    @Test func claimKeys() {
        #expect(FNV1a64.hash("shop/web-0") == 0x47f3_1f34_36d5_dd21)
        #expect(FNV1a64.hash("db/pg-0") == 0x8286_9176_12f0_7e3c)
        // Hashes the UTF-8 bytes, not UTF-16 or Unicode scalars.
        #expect(FNV1a64.hash("é") == 0x0ac2_1707_b718_1e01)
        #expect(FNV1a64.hash("é") == FNV1a64.hash([0xc3, 0xa9]))
    }

    /// The byte and string forms agree, including for bridged or non-contiguous strings.
    @Test func stringAndBytesAgree() {
        var random = SplitMix64(seed: 0xf1f1)
        for iteration in 0..<500 {
            let scalars = (0..<random.int(0...20)).map { _ in
                random.pick(["a", "/", "-", "0", "é", "日", "🙂", "Z"] as [String])
            }
            let text = scalars.joined()
            #expect(FNV1a64.hash(text) == FNV1a64.hash(Array(text.utf8)), "iteration \(iteration)")
            let substring = "x" + text + "y"
            #expect(FNV1a64.hash(String(substring.dropFirst().dropLast())) == FNV1a64.hash(text.utf8))
        }
    }
}
