#!/usr/bin/env bash
# Every test, as CI runs it: restore, build, start Azurite for the run (stopped by its PID), run the unit,
# integration and deployment tests (the latter build and lint every Bicep file and check the deploy package),
# then print one closing line: "N passed, N failed". Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/common.sh

require dotnet ".NET SDK 10"
ensure_node_tools
mkdir -p "$LOCAL"
log "restoring and building..."
dotnet restore WmsFunctions.sln -nologo >"$LOCAL/restore.log" 2>&1 || { cat "$LOCAL/restore.log" >&2; echo "0 passed, 1 failed"; exit 1; }
dotnet build WmsFunctions.sln -c Release --no-restore -nologo >"$LOCAL/build.log" 2>&1 || { grep -E "error|Error" "$LOCAL/build.log" >&2; echo "0 passed, 1 failed"; exit 1; }

start_azurite_on_free_ports || { echo "0 passed, 1 failed"; exit 1; }
log "Azurite pid $AZURITE_PID"

RESULTS="$ROOT/artifacts/test-results"
rm -rf "$RESULTS"
set +e
dotnet test WmsFunctions.sln -c Release --no-build -nologo --logger "trx" --logger "console;verbosity=normal" --results-directory "$RESULTS" 2>&1 \
  | grep -vE "^\s*$|^\s+Passed |^A total of|^Test run for|^Results File|^\s+Skipped " >&2
status=${PIPESTATUS[0]}
set -e
stop_azurite

# Count from the TRX reports; a test run that crashed before writing one counts as a failure.
read -r passed failed skipped < <(node -e '
  const fs = require("fs"), path = require("path"), dir = process.argv[1];
  let passed = 0, failed = 0, skipped = 0;
  for (const file of fs.existsSync(dir) ? fs.readdirSync(dir).filter(f => f.endsWith(".trx")) : []) {
    const xml = fs.readFileSync(path.join(dir, file), "utf8");
    const counters = /<Counters ([^>]*)\/>/.exec(xml);
    if (!counters) { failed++; continue; }
    const n = name => Number((new RegExp(`\\b${name}="(\\d+)"`).exec(counters[1]) || [0, 0])[1]);
    passed += n("passed"); failed += n("failed") + n("error") + n("timeout") + n("aborted");
    skipped += n("notExecuted");
  }
  console.log(passed, failed, skipped);' "$RESULTS")
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
