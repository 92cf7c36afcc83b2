public import ArgumentParser

/// A duration on the command line, as Go's `time.ParseDuration` writes them and Kubernetes
/// flags use: `15s`, `500ms`, `10m`, `1h30m`, `2.5s`. Shared by `ipam-controller` and `ipamctl`,
/// so that both read durations alike.
///
/// Resolution is a millisecond; negative durations and units other than `ms`, `s`, `m`, `h` are
/// refused.
public struct DurationArgument: ExpressibleByArgument, Hashable, Sendable, CustomStringConvertible {
    public let duration: Duration
    /// As written (shown in `--help` as the default).
    public let text: String

    public init(_ duration: Duration, text: String) {
        self.duration = duration
        self.text = text
    }

    public init?(argument: String) {
        guard let duration = Self.parse(argument) else { return nil }
        self.init(duration, text: argument)
    }

    public var description: String { text }
    public var defaultValueDescription: String { text }

    /// In seconds, for date arithmetic.
    public var seconds: Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Parses a sequence of `NUMBER UNIT` pairs (units `ms`, `s`, `m`, `h`); `nil` when malformed.
    public static func parse(_ text: String) -> Duration? {
        var total = Duration.zero
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        if rest == "0" { return .zero }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number), value.isFinite else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(unit.count)
            let seconds: Double
            switch unit {
            case "ms": seconds = value / 1000
            case "s": seconds = value
            case "m": seconds = value * 60
            case "h": seconds = value * 3600
            default: return nil
            }
            total += .milliseconds(Int64((seconds * 1000).rounded()))
        }
        return total
    }
}
