#!/usr/bin/env bash
# Runs the allocator benchmarks (ordo-one/benchmark) in release mode.
#
# The benchmark target is only part of the package when IPAM_BENCHMARKS is
# set (see Package.swift), so `swift test` never builds the harness. A
# separate scratch path keeps the release build apart from the debug one.
#
#   hack/benchmark.sh                      # all benchmarks
#   hack/benchmark.sh --target ClientBenchmarks   # extra arguments go to the benchmark tool
set -euo pipefail
cd "$(dirname "$0")/.."
export IPAM_BENCHMARKS=1
exec swift package --disable-sandbox --scratch-path .build-bench benchmark "$@"
