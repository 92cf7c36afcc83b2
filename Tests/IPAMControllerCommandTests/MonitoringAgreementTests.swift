import Foundation
import IPAMModel
import IPAMTestSupport
import KubernetesClient
import KubernetesClientTestKit
import KubernetesCore
import Synchronization
import Testing
import Yams

@testable import IPAMControllerCommand

/// The dashboard (config/grafana/*.json) and the alert rules (config/prometheus/prometheusrule.yaml)
/// query only metrics and labels the controller really exports: the controller process runs
/// against the stand-in, is driven until every metric family the files use has appeared, and its
/// `/metrics` is scraped and compared with every expression of the files.
@Suite("MonitoringAgreement", .timeLimit(.minutes(3)))
struct MonitoringAgreementTests {
    @Test("every metric and label of the dashboard and the rules is in a real scrape of the controller")
    func configurationAgreesWithScrape() async throws {
        let files = try MonitoringFiles.load()
        let used = Set(files.expressions.flatMap { $0.references.selectors.map(\.metric) })
        #expect(!used.isEmpty)

        let scrape = try await Self.scrapeDrivenController(until: used)
        #expect(scrape.problems.isEmpty, "the scrape parses: \(scrape.problems)")
        let catalog = MetricCatalog(scrape)
        for expression in files.expressions {
            for problem in catalog.problems(in: expression) {
                Issue.record(Comment(rawValue: problem))
            }
        }
    }

    @Test("the dashboard parses, every panel has a data source and a query, the variables are there")
    func dashboardStructure() throws {
        let dashboards = try MonitoringFiles.dashboardFiles()
        #expect(!dashboards.isEmpty)
        for url in dashboards {
            let file = url.lastPathComponent
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any], "\(file) is an object")
            #expect(((json["schemaVersion"] as? Int) ?? 0) >= 39, "\(file): schemaVersion")
            let variables = (json["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
            let datasource = variables.first { $0["name"] as? String == "datasource" }
            #expect(datasource?["type"] as? String == "datasource", "\(file): a `datasource` variable")
            #expect(
                datasource?["query"] as? String == "prometheus", "\(file): the datasource variable lists Prometheus")
            #expect(variables.contains { $0["name"] as? String == "pool" }, "\(file): a `pool` variable")

            let panels = MonitoringFiles.panels(of: json)
            #expect(!panels.isEmpty, "\(file) has panels")
            for panel in panels {
                let title = panel["title"] as? String ?? "?"
                let source = (panel["datasource"] as? [String: Any])?["uid"] as? String
                #expect(source == "${datasource}", "\(file): panel \(title) queries the ${datasource} variable")
                let targets = panel["targets"] as? [[String: Any]] ?? []
                #expect(!targets.isEmpty, "\(file): panel \(title) has a query")
                for target in targets {
                    let expression = target["expr"] as? String ?? ""
                    #expect(!expression.isEmpty, "\(file): panel \(title) target \(target["refId"] ?? "?") has an expr")
                    if let source = target["datasource"] as? [String: Any] {
                        #expect(
                            source["uid"] as? String == "${datasource}", "\(file): panel \(title) target data source")
                    }
                }
            }
        }
    }

    @Test("every alert has an expression, a duration, a severity, a summary and a description")
    func ruleStructure() throws {
        let document = try MonitoringFiles.ruleDocument()
        #expect(document["apiVersion"]?.string == "monitoring.coreos.com/v1")
        #expect(document["kind"]?.string == "PrometheusRule")
        let rules = MonitoringFiles.rules(of: document)
        #expect(rules.count >= 6)
        for rule in rules {
            let name = rule["alert"]?.string ?? "?"
            let expression = rule["expr"]?.string ?? ""
            #expect(!expression.isEmpty, "\(MonitoringFiles.rulePath): \(name) has an expr")
            #expect(rule["for"]?.string.flatMap { PromQLDuration.seconds($0) } != nil, "\(name) has a `for` duration")
            #expect(
                ["critical", "warning", "info"].contains(rule["labels"]?["severity"]?.string ?? ""), "\(name) severity")
            let summary = rule["annotations"]?["summary"]?.string ?? ""
            let description = rule["annotations"]?["description"]?.string ?? ""
            #expect(!summary.isEmpty, "\(name) has a summary")
            #expect(!description.isEmpty, "\(name) has a description")
            // `$labels.x` exists on the alert only if the expression keeps `x` (here: groups by it).
            let kept = Set(
                ((try? PromQLReferences(expression))?.groupings ?? []).filter { $0.keyword == "by" }.flatMap(\.labels))
            for label in MonitoringFiles.templateLabels(in: summary + description) {
                #expect(
                    kept.contains(label),
                    "\(name): annotations use $labels.\(label), which `\(expression)` does not keep")
            }
        }
    }

    // MARK: Driving the controller

    /// Runs the controller process against the stand-in with pools and claims that make every
    /// metric family appear (a bound claim, claims waiting for an exhausted pool, a missing pool
    /// and a label selector, a released lease, an orphaned lease), and scrapes `/metrics` until
    /// every name in `wanted` is there and the sampled gauges show the scenario (a deleted pool's
    /// series gone too);
    /// returns the last scrape (the check then says what is missing, if anything).
    static func scrapeDrivenController(until wanted: Set<String>) async throws -> Exposition {
        try await FakeAPIServer.withRunning { server in
            await server.registerIPAMKinds()
            let ports = Mutex<[Int]>([])
            // A long orphan grace period: the orphaned lease stays a suspect while we scrape.
            var process = try leadingProcess(
                against: server,
                [
                    "--lease-duration", "3s", "--renew-deadline", "2s", "--retry-period", "500ms",
                    "--orphan-grace-period", "10m",
                ])
            process.onListening = { servers in ports.withLock { $0 = servers.map(\.port) } }
            let configured = process
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await configured.run() }
                defer { group.cancelAll() }
                while ports.withLock({ $0.count }) < 2 { try await Task.sleep(for: .milliseconds(10)) }
                let metricsURL = "http://127.0.0.1:\(ports.withLock { $0[0] })/metrics"

                func scrape() async throws -> Exposition {
                    let response = try await ControllerProcessTests().get(metricsURL)
                    #expect(response.status == 200)
                    return Exposition(response.body)
                }

                let helper = KubernetesClientHelper(server: server)
                try await helper.apply()  // namespace default, pool blue, claim web
                let configuration = ClientConfiguration(server: server.baseURL)
                try await KubernetesClient.withClient(configuration: configuration) { client in
                    try await drive(client, until: { try await helper.isBound($0) })
                    // A pool that is reported, then deleted: its series must leave the scrape.
                    let pools = client.resource(IPPool.self)
                    _ = try await pools.create(
                        IPPool(metadata: ObjectMeta(name: "temp"), spec: IPPoolSpec(cidrs: ["10.3.0.0/30"])))
                    var reported = false
                    for _ in 0..<500 where !reported {
                        reported = try await scrape().samples.contains { $0.labels["pool"] == "temp" }
                        if !reported { try await Task.sleep(for: .milliseconds(20)) }
                    }
                    #expect(reported, "pool temp is reported")
                    _ = try await pools.delete("temp")
                }

                var last = Exposition("")
                let deadline = ContinuousClock.now + .seconds(90)
                while ContinuousClock.now < deadline {
                    let scrape = try await scrape()
                    last = scrape
                    let exported = wanted.subtracting(MetricCatalog.synthesized.keys)
                    if exported.isSubset(of: scrape.sampleNames), scenarioMismatches(scrape).isEmpty { break }
                    try await Task.sleep(for: .milliseconds(250))
                }
                let mismatches = scenarioMismatches(last)
                #expect(mismatches.isEmpty, "the sampled gauges show the scenario: \(mismatches)")
                return last
            }
        }
    }

    /// The objects beside the helper's: pool `tiny` with one address and two claims (one waits,
    /// PoolExhausted), a claim of a missing pool, a claim selecting pools by a label none has,
    /// a claim bound then deleted (its lease released), a lease whose claim never existed.
    private static func drive(_ client: KubernetesClient, until isBound: (String) async throws -> Bool) async throws {
        let claims = client.resource(IPClaim.self, namespace: "default")
        func claim(_ name: String, _ spec: IPClaimSpec) async throws {
            _ = try await claims.create(IPClaim(metadata: ObjectMeta(name: name, namespace: "default"), spec: spec))
        }
        func waitBound(_ name: String) async throws {
            var bound = false
            for _ in 0..<500 where !bound {
                bound = try await isBound(name)
                if !bound { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(bound, "claim \(name) is bound")
        }
        _ = try await client.resource(IPPool.self).create(
            IPPool(metadata: ObjectMeta(name: "tiny"), spec: IPPoolSpec(cidrs: ["10.2.0.0/32"])))
        try await claim("tiny-a", IPClaimSpec(pool: "tiny"))
        try await waitBound("tiny-a")
        try await claim("tiny-b", IPClaimSpec(pool: "tiny"))
        try await claim("lost", IPClaimSpec(pool: "nowhere"))
        try await claim("picky", IPClaimSpec(poolSelector: LabelSelector(matchLabels: ["tier": "gold"])))
        try await claim("gone", IPClaimSpec(pool: "blue"))
        try await waitBound("gone")
        _ = try await claims.delete("gone")
        _ = try await client.resource(IPLease.self).create(
            IPLease(
                metadata: ObjectMeta(name: "10.1.0.200", labels: [IPAMAPI.poolLabel: "blue"]),
                spec: IPLeaseSpec(
                    address: "10.1.0.200", pool: "blue",
                    claimRef: ClaimReference(namespace: "default", name: "ghost", uid: "ghost-uid"))))
    }

    /// Where the sampled gauges differ from what ``drive(_:until:)`` made: one claim waiting for
    /// each of `tiny`, `nowhere` and a label selector (`pool=""`), none for `blue`, three Pending,
    /// one orphaned lease, one lease released because its claim was deleted, and no series of the
    /// deleted pool `temp`.
    private static func scenarioMismatches(_ scrape: Exposition) -> [String] {
        var mismatches: [String] = []
        func expect(_ name: String, _ labels: [String: String] = [:], _ expected: String, _ holds: (Double) -> Bool) {
            let value = scrape.samples.first { sample in
                sample.name == name && labels.allSatisfy { key, value in sample.labels[key] == value }
            }?.value
            if !(value.map(holds) ?? false) {
                mismatches.append("\(name)\(labels) is \(value.map { "\($0)" } ?? "absent"), expected \(expected)")
            }
        }
        expect("ipam_claims_waiting", ["pool": "tiny"], "1") { $0 == 1 }
        expect("ipam_claims_waiting", ["pool": "nowhere"], "1") { $0 == 1 }
        expect("ipam_claims_waiting", ["pool": ""], "1") { $0 == 1 }
        expect("ipam_claims_waiting", ["pool": "blue"], "0") { $0 == 0 }
        expect("ipam_claim_oldest_waiting_seconds", ["pool": "nowhere"], "> 0") { $0 > 0 }
        expect("ipam_claims", ["state": "Pending"], "3") { $0 == 3 }
        expect("ipam_orphaned_leases", [:], "1") { $0 == 1 }
        expect("ipam_leases_released_total", ["reason": "claim_deleted"], "1") { $0 == 1 }
        for sample in scrape.samples where sample.labels["pool"] == "temp" {
            mismatches.append("\(sample.name)\(sample.labels) of the deleted pool temp is still exported")
        }
        return mismatches
    }
}

// MARK: - The files

/// One PromQL expression of the monitoring files, where it is, and what it references.
struct MonitoringExpression {
    let file: String
    /// Where in the file: the panel and target, the variable, or the alert.
    let place: String
    let text: String
    let references: PromQLReferences
}

/// Reads config/grafana/*.json and config/prometheus/prometheusrule.yaml.
struct MonitoringFiles {
    static let rulePath = "config/prometheus/prometheusrule.yaml"
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    let expressions: [MonitoringExpression]

    /// Every expression of every dashboard (panel targets, variable queries) and of the rules.
    static func load() throws -> MonitoringFiles {
        var expressions: [MonitoringExpression] = []
        func add(_ file: String, _ place: String, _ text: String) {
            do {
                expressions.append(
                    MonitoringExpression(file: file, place: place, text: text, references: try PromQLReferences(text)))
            } catch {
                Issue.record("\(file): \(place): `\(text)`: \(error)")
            }
        }
        for url in try dashboardFiles() {
            let file = "config/grafana/" + url.lastPathComponent
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
            for panel in panels(of: json) {
                for target in panel["targets"] as? [[String: Any]] ?? [] {
                    guard let expression = target["expr"] as? String else { continue }
                    add(
                        file, "panel \"\(panel["title"] as? String ?? "?")\" target \(target["refId"] ?? "?")",
                        expression)
                }
            }
            for variable in (json["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
            where variable["type"] as? String == "query" {
                let query =
                    (variable["query"] as? [String: Any])?["query"] as? String ?? variable["query"] as? String ?? ""
                add(file, "variable \(variable["name"] ?? "?")", GrafanaQuery.promQL(query))
            }
        }
        for rule in rules(of: try ruleDocument()) {
            add(rulePath, "alert \(rule["alert"]?.string ?? rule["record"]?.string ?? "?")", rule["expr"]?.string ?? "")
        }
        return MonitoringFiles(expressions: expressions)
    }

    static func dashboardFiles() throws -> [URL] {
        let directory = root.appendingPathComponent("config/grafana")
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The panels that query (rows only hold panels; collapsed rows keep theirs inside).
    static func panels(of dashboard: [String: Any]) -> [[String: Any]] {
        (dashboard["panels"] as? [[String: Any]] ?? []).flatMap { panel -> [[String: Any]] in
            panel["type"] as? String == "row" ? panels(of: panel) : [panel]
        }
    }

    static func ruleDocument() throws -> Node {
        let text = try String(contentsOf: root.appendingPathComponent(rulePath), encoding: .utf8)
        return try #require(try Yams.compose(yaml: text), "\(rulePath) holds a document")
    }

    static func rules(of document: Node) -> [Node] {
        (document["spec"]?["groups"]?.sequence ?? []).flatMap { Array($0["rules"]?.sequence ?? []) }
    }

    /// The `x` of every `$labels.x` in an alert template.
    static func templateLabels(in text: String) -> Set<String> {
        var labels: Set<String> = []
        var rest = Substring(text)
        while let range = rest.range(of: "$labels.") {
            rest = rest[range.upperBound...]
            let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            labels.insert(String(name))
        }
        return labels
    }
}

/// Grafana's Prometheus variable queries: `label_values(selector, label)` becomes the PromQL
/// `group by (label) (selector)`, which references the same metric and labels; other queries are
/// PromQL already.
enum GrafanaQuery {
    static func promQL(_ query: String) -> String {
        let trimmed = query.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("label_values("), trimmed.hasSuffix(")"),
            let comma = trimmed.lastIndex(of: ",")
        else { return trimmed }
        let selector = trimmed[trimmed.index(trimmed.startIndex, offsetBy: "label_values(".count)..<comma]
        let label = trimmed[trimmed.index(after: comma)..<trimmed.index(before: trimmed.endIndex)]
        return "group by (\(label.trimmingCharacters(in: .whitespaces))) (\(selector))"
    }
}

// MARK: - Checking references against a scrape

/// The series names of a scrape with their label names, plus what Prometheus adds itself.
struct MetricCatalog {
    /// Labels the Prometheus Operator puts on every series of a ServiceMonitor target
    /// (config/prometheus/servicemonitor.yaml): the scrape cannot show them.
    static let targetLabels: Set<String> = ["job", "instance", "namespace", "pod", "service", "endpoint", "container"]
    /// Series Prometheus makes for every target (`up`: 1 when the scrape succeeded).
    static let synthesized: [String: Set<String>] = ["up": []]

    let labels: [String: Set<String>]
    let types: [String: String]

    init(_ scrape: Exposition) {
        var labels = Self.synthesized
        for sample in scrape.samples { labels[sample.name, default: []].formUnion(sample.labels.keys) }
        self.labels = labels
        self.types = scrape.types
    }

    /// Every metric of `expression` that the scrape lacks, and every label used on a metric
    /// that lacks it; each message names the file, the place, the expression and the culprit.
    func problems(in expression: MonitoringExpression) -> [String] {
        let text = expression.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let prefix = "\(expression.file): \(expression.place): `\(text)`:"
        var problems: [String] = []
        func known(_ metric: String) -> Set<String>? {
            labels[metric].map { $0.union(Self.targetLabels).union(["__name__"]) }
        }
        for selector in expression.references.selectors {
            guard let available = known(selector.metric) else {
                let hint =
                    types[selector.metric].map { " (a \($0) family: query its _bucket, _sum or _count series)" } ?? ""
                problems.append("\(prefix) metric \(selector.metric) is not in the controller's scrape\(hint)")
                continue
            }
            for label in selector.labels where !available.contains(label) {
                problems.append(
                    "\(prefix) label \(label) is not a label of \(selector.metric) (it has \(available.sorted()))")
            }
        }
        for grouping in expression.references.groupings {
            // Metrics missing from the scrape are reported above.
            let scoped = grouping.metrics.sorted().compactMap { metric in known(metric).map { (metric, $0) } }
            for label in grouping.labels {
                let lacking = scoped.filter { !$0.1.contains(label) }
                let reported = grouping.needsLabelOnEveryMetric ? lacking : lacking.count == scoped.count ? lacking : []
                for (metric, available) in reported {
                    problems.append(
                        "\(prefix) label \(label) of \(grouping.keyword)(...) is not a label of \(metric) (it has \(available.sorted()))"
                    )
                }
            }
        }
        return problems
    }
}

// MARK: - Prometheus text exposition

/// A parsed Prometheus text exposition (format 0.0.4): samples with their labels, and the
/// `# TYPE` of each family; every sample is folded to its family (`x_bucket`, `x_sum`,
/// `x_count`, `x_created` of a histogram or summary `x`; `x_total`, `x_created` of a counter `x`
/// as OpenMetrics names them), and what does not parse or has no family is a problem.
struct Exposition: Sendable {
    struct Sample: Sendable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var samples: [Sample] = []
    /// Family name → `counter`, `gauge`, `histogram`, `summary`, `untyped`.
    var types: [String: String] = [:]
    var problems: [String] = []

    var sampleNames: Set<String> { Set(samples.map(\.name)) }

    init(_ text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("#") {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                if fields.count >= 4, fields[1] == "TYPE" { types[String(fields[2])] = String(fields[3]) }
                continue
            }
            if let sample = Self.sample(line) {
                samples.append(sample)
            } else {
                problems.append("unparsable line: \(line)")
            }
        }
        for sample in samples where family(of: sample.name) == nil {
            problems.append("\(sample.name) has no # TYPE of its own or of its family")
        }
    }

    /// The family a sample belongs to, by the `# TYPE` lines.
    func family(of name: String) -> String? {
        if types[name] != nil { return name }
        for suffix in ["_bucket", "_sum", "_count", "_created", "_total"] where name.hasSuffix(suffix) {
            let stem = String(name.dropLast(suffix.count))
            switch (types[stem], suffix) {
            case ("histogram", "_bucket"), ("histogram", "_sum"), ("histogram", "_count"), ("histogram", "_created"),
                ("summary", "_sum"), ("summary", "_count"), ("summary", "_created"),
                ("counter", "_total"), ("counter", "_created"):
                return stem
            default: continue
            }
        }
        return nil
    }

    private static func sample(_ line: Substring) -> Sample? {
        var rest = line[...]
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
        guard !name.isEmpty else { return nil }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let label = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                rest = rest.dropFirst(label.count)
                guard !label.isEmpty, rest.hasPrefix("=\"") else { return nil }
                rest = rest.dropFirst(2)
                var value = ""
                while let character = rest.first, character != "\"" {
                    rest = rest.dropFirst()
                    if character == "\\", let escaped = rest.first {
                        rest = rest.dropFirst()
                        value.append(escaped == "n" ? "\n" : escaped)
                    } else {
                        value.append(character)
                    }
                }
                guard rest.first == "\"" else { return nil }
                rest = rest.dropFirst()
                labels[String(label)] = value
                if rest.first == "," { rest = rest.dropFirst() }
            }
            rest = rest.dropFirst()
        }
        let fields = rest.split(separator: " ")
        guard let text = fields.first, let value = Double(text) else { return nil }
        return Sample(name: String(name), labels: labels, value: value)
    }
}

// MARK: - PromQL references

/// The metric names and label names a PromQL expression references: enough PromQL for the
/// expressions of config/ — selectors with matchers, functions, aggregations with `by`/`without`
/// (before or after their argument), vector matching (`on`, `ignoring`, `group_left`,
/// `group_right`), ranges and subqueries, `offset`, numbers, strings, comments, and Grafana's
/// `$variables` (skipped). An unknown function, or a selector without a metric name, is an error
/// rather than a guess.
struct PromQLReferences: Equatable {
    struct Selector: Hashable {
        var metric: String
        /// The label names of its matchers.
        var labels: [String]
    }

    struct Grouping: Hashable {
        /// `by`, `without`, `on`, `ignoring`, `group_left`, `group_right`.
        var keyword: String
        var labels: [String]
        /// The metrics it applies to: an aggregation's argument; for vector matching, the
        /// parenthesised expression (or the whole one) holding both operands.
        var metrics: Set<String>

        /// `group_left(x)` takes `x` from the other side, so one side having it is enough.
        var needsLabelOnEveryMetric: Bool { !keyword.hasPrefix("group_") }
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    var selectors: [Selector] = []
    var groupings: [Grouping] = []

    static let aggregations: Set<String> = [
        "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile",
        "limitk", "limit_ratio",
    ]
    static let functions: Set<String> = [
        "abs", "absent", "absent_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh", "avg_over_time", "ceil",
        "changes", "clamp", "clamp_max", "clamp_min", "cos", "cosh", "count_over_time", "day_of_month", "day_of_week",
        "day_of_year", "days_in_month", "deg", "delta", "deriv", "double_exponential_smoothing", "end", "exp", "floor",
        "histogram_avg", "histogram_count", "histogram_fraction", "histogram_quantile", "histogram_stddev",
        "histogram_stdvar", "histogram_sum", "holt_winters", "hour", "idelta", "increase", "irate", "label_join",
        "label_replace", "last_over_time", "ln", "log10", "log2", "mad_over_time", "max_over_time", "min_over_time",
        "minute", "month", "pi", "predict_linear", "present_over_time", "quantile_over_time", "rad", "rate", "resets",
        "round", "scalar", "sgn", "sin", "sinh", "sort", "sort_by_label", "sort_by_label_desc", "sort_desc", "sqrt",
        "start", "stddev_over_time", "stdvar_over_time", "sum_over_time", "tan", "tanh", "time", "timestamp", "vector",
        "year",
    ]
    static let keywords: Set<String> = ["and", "or", "unless", "bool", "offset", "atan2", "inf", "nan"]

    init(_ expression: String) throws(ParseError) {
        let tokens = try Self.tokens(expression)
        /// Open parentheses, innermost last: the metrics inside so far, and the clauses whose
        /// scope is that parenthesis.
        var open: [(metrics: Set<String>, clauses: [Grouping])] = [([], [])]
        var clausesForNextParenthesis: [Grouping] = []
        var lastClosed: Set<String> = []
        var index = 0

        func labelList(optional: Bool) throws(ParseError) -> [String] {
            guard index < tokens.count, tokens[index] == .punctuation("(") else {
                if optional { return [] }
                throw ParseError(description: "expected ( after a grouping keyword")
            }
            index += 1
            var labels: [String] = []
            while index < tokens.count, tokens[index] != .punctuation(")") {
                switch tokens[index] {
                case .identifier(let label): labels.append(label)
                case .punctuation(","): break
                default: throw ParseError(description: "unexpected \(tokens[index]) in a label list")
                }
                index += 1
            }
            guard index < tokens.count else { throw ParseError(description: "unclosed label list") }
            index += 1
            return labels
        }

        while index < tokens.count {
            let token = tokens[index]
            let previous = index > 0 ? tokens[index - 1] : nil
            index += 1
            switch token {
            case .punctuation("("):
                open.append(([], clausesForNextParenthesis))
                clausesForNextParenthesis = []
            case .punctuation(")"):
                guard open.count > 1 else { throw ParseError(description: "unbalanced )") }
                let closed = open.removeLast()
                for var clause in closed.clauses {
                    clause.metrics = closed.metrics
                    groupings.append(clause)
                }
                open[open.count - 1].metrics.formUnion(closed.metrics)
                lastClosed = closed.metrics
            case .punctuation("{"):
                throw ParseError(description: "a selector without a metric name is not supported")
            case .identifier(let name) where name == "by" || name == "without":
                let clause = Grouping(keyword: name, labels: try labelList(optional: false), metrics: [])
                if previous == .punctuation(")") {
                    groupings.append(Grouping(keyword: name, labels: clause.labels, metrics: lastClosed))
                } else {
                    clausesForNextParenthesis.append(clause)
                }
            case .identifier(let name) where ["on", "ignoring", "group_left", "group_right"].contains(name):
                let labels = try labelList(optional: name.hasPrefix("group_"))
                open[open.count - 1].clauses.append(Grouping(keyword: name, labels: labels, metrics: []))
            case .identifier(let name) where Self.keywords.contains(name.lowercased()):
                continue
            case .identifier(let name):
                let next = index < tokens.count ? tokens[index] : nil
                if Self.aggregations.contains(name) || Self.functions.contains(name) {
                    guard next == .punctuation("(") || next == .identifier("by") || next == .identifier("without")
                    else {
                        throw ParseError(description: "\(name) is not followed by its arguments")
                    }
                    continue
                }
                if next == .punctuation("(") { throw ParseError(description: "unknown function \(name)") }
                var labels: [String] = []
                if next == .punctuation("{") {
                    index += 1
                    while index < tokens.count, tokens[index] != .punctuation("}") {
                        guard case .identifier(let label) = tokens[index], index + 2 < tokens.count,
                            case .matchOperator = tokens[index + 1], tokens[index + 2] == .string
                        else { throw ParseError(description: "malformed matcher in the selector of \(name)") }
                        labels.append(label)
                        index += 3
                        if index < tokens.count, tokens[index] == .punctuation(",") { index += 1 }
                    }
                    guard index < tokens.count else { throw ParseError(description: "unclosed { after \(name)") }
                    index += 1
                }
                selectors.append(Selector(metric: name, labels: labels))
                open[open.count - 1].metrics.insert(name)
            default:
                continue
            }
        }
        guard open.count == 1, clausesForNextParenthesis.isEmpty else {
            throw ParseError(description: "unbalanced ( or a grouping clause without its argument")
        }
        for var clause in open[0].clauses {
            clause.metrics = open[0].metrics
            groupings.append(clause)
        }
    }

    enum Token: Equatable, CustomStringConvertible {
        case identifier(String)
        case punctuation(Character)
        /// `=`, `!=`, `=~`, `!~` (also `!=` as a comparison outside braces: harmless).
        case matchOperator(String)
        case otherOperator(String)
        case string
        /// A number, a duration, a range `[...]` or a Grafana `$variable`.
        case value

        var description: String {
            switch self {
            case .identifier(let name): name
            case .punctuation(let character): String(character)
            case .matchOperator(let text), .otherOperator(let text): text
            case .string: "a string"
            case .value: "a value"
            }
        }
    }

    static func tokens(_ text: String) throws(ParseError) -> [Token] {
        var tokens: [Token] = []
        let characters = Array(text)
        var index = 0
        func isIdentifierStart(_ character: Character) -> Bool {
            character.isLetter || character == "_" || character == ":"
        }
        func isIdentifier(_ character: Character) -> Bool { isIdentifierStart(character) || character.isNumber }
        while index < characters.count {
            let character = characters[index]
            switch character {
            case _ where character.isWhitespace:
                index += 1
            case "#":
                while index < characters.count, characters[index] != "\n" { index += 1 }
            case "\"", "'", "`":
                index += 1
                while index < characters.count, characters[index] != character {
                    index += characters[index] == "\\" && character != "`" ? 2 : 1
                }
                guard index < characters.count else { throw ParseError(description: "unterminated string") }
                index += 1
                tokens.append(.string)
            case "[":
                // A range or subquery: durations, or Grafana's $__rate_interval.
                while index < characters.count, characters[index] != "]" { index += 1 }
                guard index < characters.count else { throw ParseError(description: "unterminated [") }
                index += 1
                tokens.append(.value)
            case "$":
                index += 1
                if index < characters.count, characters[index] == "{" {
                    while index < characters.count, characters[index] != "}" { index += 1 }
                    index += 1
                } else {
                    while index < characters.count, isIdentifier(characters[index]) { index += 1 }
                }
                tokens.append(.value)
            case "(", ")", "{", "}", ",":
                tokens.append(.punctuation(character))
                index += 1
            case _
            where character.isNumber
                || (character == "." && index + 1 < characters.count && characters[index + 1].isNumber):
                while index < characters.count,
                    characters[index].isLetter || characters[index].isNumber || characters[index] == "."
                {
                    index += 1
                }
                tokens.append(.value)
            case _ where isIdentifierStart(character):
                let start = index
                while index < characters.count, isIdentifier(characters[index]) { index += 1 }
                tokens.append(.identifier(String(characters[start..<index])))
            default:
                let pair = index + 1 < characters.count ? String(characters[index...index + 1]) : ""
                if ["=~", "!~", "!="].contains(pair) {
                    tokens.append(.matchOperator(pair))
                    index += 2
                } else if ["==", "<=", ">="].contains(pair) {
                    tokens.append(.otherOperator(pair))
                    index += 2
                } else if character == "=" {
                    tokens.append(.matchOperator("="))
                    index += 1
                } else if "+-*/%^<>@".contains(character) {
                    tokens.append(.otherOperator(String(character)))
                    index += 1
                } else {
                    throw ParseError(description: "unexpected character \(character)")
                }
            }
        }
        return tokens
    }
}

/// Prometheus durations (`30s`, `5m`, `1h30m`, `500ms`), for the rules' `for:`.
enum PromQLDuration {
    static func seconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [
            ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400), ("w", 604_800), ("y", 31_536_000),
        ]
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isNumber }
            guard let number = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let (unit, factor) = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.count)
            total += number * factor
        }
        return total
    }
}

// MARK: - The extractor's own tests

@Suite("PromQL references")
struct PromQLReferencesTests {
    @Test("selectors, matchers and an aggregation over a range with a Grafana variable")
    func aggregation() throws {
        let references = try PromQLReferences(
            #"sum by (pool, le) (rate(x_bucket{job="$job", pool=~"$pool", le!="+Inf"}[$__rate_interval]))"#)
        #expect(references.selectors == [.init(metric: "x_bucket", labels: ["job", "pool", "le"])])
        #expect(references.groupings == [.init(keyword: "by", labels: ["pool", "le"], metrics: ["x_bucket"])])
    }

    @Test("functions, keywords, numbers, durations and offsets are not metrics")
    func notMetrics() throws {
        let references = try PromQLReferences(
            "histogram_quantile(0.99, sum(rate(a_bucket[1h30m] offset 5m)) without (instance)) > bool 1e3 or vector(0)")
        #expect(references.selectors.map(\.metric) == ["a_bucket"])
        #expect(references.groupings == [.init(keyword: "without", labels: ["instance"], metrics: ["a_bucket"])])
    }

    @Test("by after the argument applies to that argument only")
    func postfixGrouping() throws {
        let references = try PromQLReferences("max(a) by (pool) / sum(b)")
        #expect(references.groupings == [.init(keyword: "by", labels: ["pool"], metrics: ["a"])])
        #expect(Set(references.selectors.map(\.metric)) == ["a", "b"])
    }

    @Test("vector matching applies to both operands")
    func vectorMatching() throws {
        let references = try PromQLReferences(
            "(max by (pool) (a) > 0)\nand on (pool)\n(min by (pool) (b{state=\"free\"}) == 0)")
        #expect(references.groupings.contains(.init(keyword: "on", labels: ["pool"], metrics: ["a", "b"])))
        #expect(references.groupings.filter { $0.keyword == "by" }.map(\.metrics) == [["a"], ["b"]])
    }

    @Test("strings may hold braces, parentheses and quotes; comments are skipped")
    func strings() throws {
        let references = try PromQLReferences(#"absent(up{path="/a{b}(c)", x='it\'s'} == 1) # not_a_metric(x)"#)
        #expect(references.selectors == [.init(metric: "up", labels: ["path", "x"])])
    }

    @Test("Grafana's label_values becomes a grouping by the label")
    func grafanaLabelValues() throws {
        let references = try PromQLReferences(
            GrafanaQuery.promQL(#"label_values(ipam_pool_addresses{job="$job"}, pool)"#))
        #expect(references.selectors == [.init(metric: "ipam_pool_addresses", labels: ["job"])])
        #expect(references.groupings == [.init(keyword: "by", labels: ["pool"], metrics: ["ipam_pool_addresses"])])
    }

    @Test(
        "what the extractor cannot read is an error",
        arguments: [
            "rat(a[5m])", #"{__name__="a"}"#, "sum by (pool) a", "sum(a", "a{job=}", "\"open",
        ])
    func refused(_ expression: String) {
        #expect(throws: PromQLReferences.ParseError.self) { try PromQLReferences(expression) }
    }

    @Test("a missing metric, a missing label and a label grouped away are reported with file and expression")
    func catalogProblems() throws {
        let scrape = Exposition(
            """
            # TYPE a gauge
            a{pool="x",family="IPv4"} 1
            # TYPE h histogram
            h_bucket{le="0.5"} 1
            h_bucket{le="+Inf"} 1
            h_sum 0.2
            h_count 1
            """)
        let catalog = MetricCatalog(scrape)
        func problems(_ text: String) throws -> [String] {
            catalog.problems(
                in: MonitoringExpression(file: "f.json", place: "p", text: text, references: try PromQLReferences(text))
            )
        }
        let groupedAway = try problems(
            #"sum by (pool, le) (a{job="j"}) + histogram_quantile(0.5, sum by (le) (rate(h_bucket[5m])))"#)
        #expect(groupedAway.count == 1)
        #expect(
            groupedAway.first?.hasPrefix("f.json: p: `sum by (pool, le) (a{job=\"j\"}) + histogram_quantile(") == true)
        #expect(groupedAway.first?.contains("label le of by(...) is not a label of a (it has [") == true)
        let missing = try problems(#"rate(h[5m]) + b{state="x"} + a{state="y"}"#)
        #expect(missing.count == 3)
        #expect(missing[0].contains("metric h is not in the controller's scrape (a histogram family"))
        #expect(missing[1].contains("metric b is not in"))
        #expect(missing[2].contains("label state is not a label of a"))
        #expect(try problems(#"absent(up{job="j"} == 1)"#).isEmpty)
    }
}

@Suite("Exposition")
struct ExpositionTests {
    @Test("samples fold to their families by # TYPE; labels and escapes parse")
    func folding() {
        let scrape = Exposition(
            #"""
            # HELP t a timer
            # TYPE t histogram
            t_bucket{c="x",le="0.005"} 0
            t_bucket{c="x",le="+Inf"} 2
            t_sum{c="x"} 0.5
            t_count{c="x"} 2
            # TYPE r_total counter
            r_total{code="<error>",path="a\"b\\c"} 3
            # TYPE o counter
            o_total 1
            o_created 1700000000
            # TYPE g gauge
            g NaN
            stray 1
            """#)
        #expect(scrape.problems == ["stray has no # TYPE of its own or of its family"])
        #expect(scrape.family(of: "t_bucket") == "t")
        #expect(scrape.family(of: "t_count") == "t")
        #expect(scrape.family(of: "r_total") == "r_total")
        #expect(scrape.family(of: "o_total") == "o")
        #expect(scrape.family(of: "o_created") == "o")
        #expect(scrape.family(of: "g_sum") == nil)
        #expect(scrape.family(of: "t_total") == nil)
        #expect(scrape.samples.first { $0.name == "r_total" }?.labels == ["code": "<error>", "path": #"a"b\c"#])
        #expect(scrape.samples.first { $0.name == "t_bucket" && $0.labels["le"] == "+Inf" }?.value == 2)
        #expect(scrape.samples.first { $0.name == "g" }?.value.isNaN == true)
    }

    @Test("a line that is not a sample is a problem")
    func malformed() {
        #expect(!Exposition("# TYPE a gauge\na{b=\"c} 1\n").problems.isEmpty)
        #expect(!Exposition("# TYPE a gauge\na one\n").problems.isEmpty)
    }
}
