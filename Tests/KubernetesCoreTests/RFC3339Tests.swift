import Foundation
import KubernetesCore
import Testing

@Suite struct RFC3339Tests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", 0.0),
        ("1969-12-31T23:59:59Z", -1),
        ("2024-01-02T03:04:05Z", 1_704_164_645),
        ("2024-01-02T05:04:05+02:00", 1_704_164_645),
        ("2024-01-01T22:34:05-04:30", 1_704_164_645),
        ("2024-01-02T03:04:05+00:00", 1_704_164_645),
        ("2024-02-29T00:00:00Z", 1_709_164_800),
        ("2000-02-29T12:00:00Z", 951_825_600),
        ("1900-03-01T00:00:00Z", -2_203_891_200),
        ("2038-01-19T03:14:08Z", 2_147_483_648),
        ("0000-01-01T00:00:00Z", -62_167_219_200),
        ("9999-12-31T23:59:59Z", 253_402_300_799),
        ("2024-01-02T03:04:05.5Z", 1_704_164_645.5),
        ("2024-01-02T03:04:05.25+01:00", 1_704_161_045.25),
        ("2024-01-02T03:04:05.123456Z", 1_704_164_645.123456),
        ("2024-01-02T03:04:05.123456789Z", 1_704_164_645.123456789),
        ("2024-01-02T03:04:05.1234567891234Z", 1_704_164_645.123456789),
    ])
    func parsesValidTimestamps(text: String, secondsSince1970: Double) throws {
        let date = try #require(RFC3339.parse(text))
        #expect(abs(date.timeIntervalSince1970 - secondsSince1970) < 1e-6)
    }

    @Test(arguments: [
        "", "garbage", "2024-01-02", "2024-01-02T03:04Z", "2024-01-02T03:04:05",
        "2024-01-02 03:04:05Z", "2024-01-02t03:04:05Z", "2024-01-02T03:04:05z",
        "24-01-02T03:04:05Z", "2024-1-02T03:04:05Z", "+2024-01-02T03:04:05Z", "20240102T030405Z",
        "2024-00-10T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-00T00:00:00Z", "2024-01-32T00:00:00Z",
        "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2024-04-31T00:00:00Z",
        "2024-01-02T24:00:00Z", "2024-01-02T03:60:00Z", "2024-01-02T03:04:60Z",
        "2024-01-02T03:04:05.Z", "2024-01-02T03:04:05,5Z", "2024-01-02T03:04:05+0200",
        "2024-01-02T03:04:05+02", "2024-01-02T03:04:05+24:00", "2024-01-02T03:04:05+02:60",
        "2024-01-02T03:04:05Z ", " 2024-01-02T03:04:05Z", "2024-01-02T03:04:05ZZ",
        "２０２４-01-02T03:04:05Z",
    ])
    func rejectsMalformedTimestamps(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test(arguments: [
        (0.0, RFC3339.Precision.seconds, "1970-01-01T00:00:00Z"),
        (1_704_164_645, .seconds, "2024-01-02T03:04:05Z"),
        (1_704_164_645.999, .seconds, "2024-01-02T03:04:05Z"),
        (1_704_164_645.5, .microseconds, "2024-01-02T03:04:05.500000Z"),
        (1_704_164_645.123456, .microseconds, "2024-01-02T03:04:05.123456Z"),
        (1_704_164_645, .microseconds, "2024-01-02T03:04:05.000000Z"),
        (-0.5, .seconds, "1969-12-31T23:59:59Z"),
        (-0.5, .microseconds, "1969-12-31T23:59:59.500000Z"),
        (951_825_600, .seconds, "2000-02-29T12:00:00Z"),
        (-62_167_219_200, .seconds, "0000-01-01T00:00:00Z"),
        (253_402_300_799, .seconds, "9999-12-31T23:59:59Z"),
        (1e13, .seconds, "9999-12-31T23:59:59Z"),
        (-1e13, .seconds, "0000-01-01T00:00:00Z"),
    ])
    func formatsInUTC(secondsSince1970: Double, precision: RFC3339.Precision, expected: String) {
        #expect(RFC3339.format(Date(timeIntervalSince1970: secondsSince1970), precision: precision) == expected)
    }

    @Test(arguments: [
        ("2024-01-02T03:04:05Z", RFC3339.Precision.seconds),
        ("1999-12-31T23:59:59Z", .seconds),
        ("2024-02-29T00:00:00Z", .seconds),
        ("2024-01-02T03:04:05.000001Z", .microseconds),
        ("2024-01-02T03:04:05.999999Z", .microseconds),
    ])
    func roundTrips(text: String, precision: RFC3339.Precision) throws {
        let date = try #require(RFC3339.parse(text))
        #expect(RFC3339.format(date, precision: precision) == text)
    }

    @Test func offsetIsNormalisedToUTC() throws {
        let date = try #require(RFC3339.parse("2024-01-02T00:30:00+01:00"))
        #expect(RFC3339.format(date) == "2024-01-01T23:30:00Z")
    }

    @Test func everyDayOfFourHundredYearsRoundTrips() throws {
        // A whole Gregorian cycle, one timestamp per day: civil <-> day-number conversions agree.
        var day = Date(timeIntervalSince1970: -11_676_096_000)  // 1600-01-01
        for _ in 0..<146_097 {
            let text = RFC3339.format(day)
            #expect(RFC3339.parse(text) == day, "\(text)")
            day += 86_400
        }
    }
}
