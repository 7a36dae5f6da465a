# Shared by run.sh, test.sh, bench.sh and publish.sh. Source it from the repository root.
# Everything a fresh machine lacks is installed here: Azurite (npm ci, pinned in package-lock.json) and the
# .NET packages (dotnet restore; the Bicep CLI comes as a NuGet package download).

ROOT="$(pwd)"
LOCAL="$ROOT/.local"
PIDS=()

log() { printf '%s\n' "$*" >&2; }

# Stops a process by its PID: TERM, then KILL if it is still there after 5 s (a busy Azurite can ignore TERM).
stop_pid() {
  local pid=$1 i
  kill "$pid" 2>/dev/null || return 0
  for i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local pid
  for pid in "${PIDS[@]:-}"; do
    if [ -n "$pid" ]; then stop_pid "$pid"; fi
  done
  return 0 # the exit trap must not turn a successful script into a failed one
}
trap cleanup EXIT
trap 'exit 130' INT TERM

require() {
  command -v "$1" >/dev/null 2>&1 || { log "error: '$1' is needed ($2)"; exit 1; }
}

ensure_node_tools() {
  require node "Node.js 20, for Azurite"
  require npm "npm, for Azurite"
  if [ ! -x node_modules/.bin/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing Azurite (npm ci)..."
    npm ci --no-audit --no-fund --loglevel=error >&2
  fi
}

# N distinct free TCP ports on loopback, on one line. All N are held open together before any is released: asking
# for one port at a time can hand the same port out twice (it happened: Azurite's blob and table services collided).
free_ports() {
  node -e '
    const net = require("net"), n = Number(process.argv[1]), servers = [];
    let listening = 0;
    for (let i = 0; i < n; i++) {
      const s = net.createServer();
      servers.push(s);
      s.listen(0, "127.0.0.1", () => {
        if (++listening === n) { console.log(servers.map(x => x.address().port).join(" ")); servers.forEach(x => x.close()); }
      });
    }' "$1"
}

wait_for_port() { # port, seconds, what[, pid: give up at once if it exits]
  local port=$1 deadline=$((SECONDS + $2)) pid=${4:-}
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then log "error: $3 exited before opening port $port"; return 1; fi
    if [ $SECONDS -ge "$deadline" ]; then log "error: $3 did not open port $port in $2 s"; return 1; fi
    sleep 0.1
  done
}

# start_azurite BLOB_PORT QUEUE_PORT TABLE_PORT: in-memory Azurite on loopback, under a fresh random account
# key (AZURITE_ACCOUNTS), so no storage key is ever written into the repository. Sets HubStorage.
start_azurite() {
  local blob=$1 queue=$2 table=$3 account="wmslocal" key
  key=$(node -e "console.log(require('crypto').randomBytes(32).toString('base64'))")
  mkdir -p "$LOCAL"
  AZURITE_ACCOUNTS="$account:$key" node_modules/.bin/azurite \
    --inMemoryPersistence --disableTelemetry --silent --skipApiVersionCheck --loose \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --blobPort "$blob" --queuePort "$queue" --tablePort "$table" >"$LOCAL/azurite.log" 2>&1 &
  AZURITE_PID=$!
  PIDS+=("$AZURITE_PID")
  wait_for_port "$table" 30 Azurite "$AZURITE_PID" || return 1
  wait_for_port "$queue" 30 Azurite "$AZURITE_PID" || return 1
  wait_for_port "$blob" 30 Azurite "$AZURITE_PID" || return 1
  # Started and still running (a port clash makes it exit after some services listen).
  kill -0 "$AZURITE_PID" 2>/dev/null || { log "error: Azurite exited: $(tail -n 1 "$LOCAL/azurite.log")"; return 1; }
  export HubStorage="DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/$account;QueueEndpoint=http://127.0.0.1:$queue/$account;TableEndpoint=http://127.0.0.1:$table/$account;"
  export AzureWebJobsStorage="$HubStorage"
}

# Azurite on three fresh free ports; tried again on new ports (up to 3 times) if another process took one meanwhile.
start_azurite_on_free_ports() {
  local attempt blob queue table
  for attempt in 1 2 3; do
    read -r blob queue table < <(free_ports 3)
    if start_azurite "$blob" "$queue" "$table"; then return 0; fi
    stop_azurite
    log "Azurite could not start (attempt $attempt): $(tail -n 1 "$LOCAL/azurite.log" 2>/dev/null)"
  done
  return 1
}

stop_azurite() {
  if [ -n "${AZURITE_PID:-}" ]; then stop_pid "$AZURITE_PID"; fi
}

# Exports the Values of local.settings.sample.json that the environment does not set already.
export_sample_settings() {
  eval "$(node -e '
    const values = require(process.argv[1]).Values;
    for (const [k, v] of Object.entries(values)) {
      if (process.env[k] === undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
        console.log(`export ${k}=${JSON.stringify(String(v)).replace(/[$`]/g, "\\$&")}`);
    }' "$ROOT/local.settings.sample.json")"
}
