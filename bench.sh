#!/usr/bin/env bash
# The benchmark (not a test): drives the inventory webhook and the outbox relay on loopback against a fresh
# Azurite and prints events/s, latency p50/p95/p99 and storage transactions per event.
#   ./bench.sh [--quick]
#   ./bench.sh --soak [--soak-only TEXT]   the fault-injection scenarios of the test suite, longer (5,000-event storms,
#                                          outages of minutes), each on an Azurite and handler processes of its own;
#                                          prints a table of the counts (lost, applied twice, published, recovery)
set -euo pipefail
cd "$(dirname "$0")"
source scripts/common.sh

require dotnet ".NET SDK 10"
ensure_node_tools
mkdir -p "$LOCAL"
dotnet build tests/WmsFunctions.Bench/WmsFunctions.Bench.csproj -c Release -nologo >"$LOCAL/build.log" 2>&1 || { cat "$LOCAL/build.log" >&2; exit 1; }
start_azurite_on_free_ports
export_sample_settings # every %SETTING% the function.json files name
export HUB_TENANTS_FILE= # the bench configures its own tenants
dotnet tests/WmsFunctions.Bench/bin/Release/net10.0/WmsFunctions.Bench.dll "$@"
