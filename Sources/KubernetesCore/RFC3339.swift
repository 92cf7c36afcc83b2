public import Foundation

/// Strict RFC 3339 timestamps, as the Kubernetes API reads and writes them.
///
/// `metav1.Time` is serialised with second precision (`2024-01-02T03:04:05Z`) and `metav1.MicroTime`
/// with six fractional digits (`2024-01-02T03:04:05.123456Z`), both in UTC.
///
/// Parsing accepts exactly `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`: upper-case `T` and `Z`, a
/// real calendar date (leap years included), no leap second (`:60`), any number of fractional
/// digits (the first nine are used, like Go's `time.Parse`). Everything else — lower-case `t`/`z`,
/// a space separator, missing seconds or offset, trailing characters — is rejected.
///
/// This type is a pure function of its input: it reads no clock, locale, calendar or time zone
/// database, and does not depend on a decoder's `dateDecodingStrategy`, so JSON and YAML (where
/// timestamps arrive as strings) decode alike.
public enum RFC3339 {
    /// How many fractional digits ``format(_:precision:)`` writes.
    public enum Precision: Sendable, Hashable {
        /// Whole seconds, as `metav1.Time`: `2024-01-02T03:04:05Z`. Fractions are truncated.
        case seconds
        /// Six fractional digits, as `metav1.MicroTime`: `2024-01-02T03:04:05.123456Z`.
        case microseconds
    }

    /// Parses a strict RFC 3339 timestamp; returns `nil` when `string` is not one.
    ///
    /// The offset is applied, so `2024-01-02T05:04:05+02:00` and `2024-01-02T03:04:05Z` give the same
    /// `Date`. Sub-microsecond digits are kept as far as `Date`'s `Double` allows (about 0.1 µs
    /// today), no further.
    public static func parse(_ string: String) -> Date? {
        var string = string
        return string.withUTF8 { parse(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// Parses a strict RFC 3339 timestamp from its UTF-8 bytes; see ``parse(_:)``.
    static func parse(utf8 bytes: UnsafeRawBufferPointer) -> Date? {
        var scanner = Scanner(bytes: bytes)
        guard let year = scanner.digits(4), scanner.consume(UInt8(ascii: "-")),
            let month = scanner.digits(2), scanner.consume(UInt8(ascii: "-")),
            let day = scanner.digits(2), scanner.consume(UInt8(ascii: "T")),
            let hour = scanner.digits(2), scanner.consume(UInt8(ascii: ":")),
            let minute = scanner.digits(2), scanner.consume(UInt8(ascii: ":")),
            let second = scanner.digits(2)
        else { return nil }
        guard (1...12).contains(month), (1...daysInMonth(month, year: year)).contains(day),
            hour <= 23, minute <= 59, second <= 59
        else { return nil }

        var nanoseconds = 0
        if scanner.consume(UInt8(ascii: ".")) {
            var count = 0
            while let digit = scanner.digit() {
                if count < 9 { nanoseconds = nanoseconds * 10 + digit }
                count += 1
            }
            guard count > 0 else { return nil }
            for _ in min(count, 9)..<9 { nanoseconds *= 10 }
        }

        var offsetSeconds = 0
        if scanner.consume(UInt8(ascii: "Z")) {
            offsetSeconds = 0
        } else {
            let sign: Int
            if scanner.consume(UInt8(ascii: "+")) {
                sign = 1
            } else if scanner.consume(UInt8(ascii: "-")) {
                sign = -1
            } else {
                return nil
            }
            guard let offsetHours = scanner.digits(2), scanner.consume(UInt8(ascii: ":")),
                let offsetMinutes = scanner.digits(2), offsetHours <= 23, offsetMinutes <= 59
            else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        }
        guard scanner.isAtEnd else { return nil }

        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1e9)
    }

    /// Formats `date` in UTC with a `Z` suffix, e.g. `2024-01-02T03:04:05Z`.
    ///
    /// The date is first rounded to the nearest microsecond (absorbing `Double` error, so a date
    /// parsed from `…:05.5Z` formats as `…:05Z` and one from `…:05.123456Z` as `…:05.123456Z`), then
    /// truncated to `precision`. Dates outside years 0000–9999, which RFC 3339 cannot express, are
    /// clamped to that range; a non-finite interval formats as the Unix epoch.
    public static func format(_ date: Date, precision: Precision = .seconds) -> String {
        let interval = date.timeIntervalSince1970
        let scaled = interval.isFinite ? (interval * 1e6).rounded() : 0
        let micros = min(max(Int64(min(max(scaled, -9e18), 9e18)), minimumMicros), maximumMicros)
        let (seconds, fraction) = floorDivision(micros, 1_000_000)
        let (days, secondOfDay) = floorDivision(seconds, 86_400)
        let (year, month, day) = civilFromDays(Int(days))
        let (hour, minute, second) = (secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60)

        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        text += "T" + pad(Int(hour), 2) + ":" + pad(Int(minute), 2) + ":" + pad(Int(second), 2)
        if precision == .microseconds { text += "." + pad(Int(fraction), 6) }
        return text + "Z"
    }

    // 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z, in microseconds since 1970.
    private static let minimumMicros: Int64 = -62_167_219_200_000_000
    private static let maximumMicros: Int64 = 253_402_300_799_999_999

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }

    private static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant, "chrono-Compatible
    // Low-Level Date Algorithms"). Eras are 400-year cycles starting on March 1st.
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civilFromDays(_ daysSinceEpoch: Int) -> (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        var isAtEnd: Bool { index == bytes.count }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func digit() -> Int? {
            guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index])
            else { return nil }
            index += 1
            return Int(bytes[index - 1] - UInt8(ascii: "0"))
        }

        mutating func digits(_ count: Int) -> Int? {
            var value = 0
            for _ in 0..<count {
                guard let digit = digit() else { return nil }
                value = value * 10 + digit
            }
            return value
        }
    }
}

extension KeyedDecodingContainer {
    /// Decodes a required RFC 3339 timestamp string (see ``RFC3339/parse(_:)``).
    ///
    /// Throws `DecodingError.dataCorrupted` naming the offending text when it is not a timestamp.
    public func decodeRFC3339(forKey key: Key) throws -> Date {
        let text = try decode(String.self, forKey: key)
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self,
                debugDescription: "expected an RFC 3339 timestamp such as 2024-01-02T03:04:05Z, found \"\(text)\"")
        }
        return date
    }

    /// Decodes an optional RFC 3339 timestamp string; an absent key or `null` gives `nil`.
    ///
    /// An empty or malformed string is an error, not `nil`.
    public func decodeRFC3339IfPresent(forKey key: Key) throws -> Date? {
        guard try contains(key) && !decodeNil(forKey: key) else { return nil }
        return try decodeRFC3339(forKey: key)
    }
}

extension KeyedEncodingContainer {
    /// Encodes `date` as an RFC 3339 string in UTC (see ``RFC3339/format(_:precision:)``).
    public mutating func encodeRFC3339(
        _ date: Date, forKey key: Key, precision: RFC3339.Precision = .seconds
    ) throws {
        try encode(RFC3339.format(date, precision: precision), forKey: key)
    }

    /// Encodes `date` as an RFC 3339 string in UTC, or omits the key when `date` is `nil`.
    public mutating func encodeRFC3339IfPresent(
        _ date: Date?, forKey key: Key, precision: RFC3339.Precision = .seconds
    ) throws {
        guard let date else { return }
        try encodeRFC3339(date, forKey: key, precision: precision)
    }
}
