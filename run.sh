#!/usr/bin/env bash
# Runs the hub locally: Azurite, the custom handler, a stand-in for the Functions host's queue and Service Bus
# triggers, and stand-in WMS instances for the OMS -> WMS flows.
#   ./run.sh          run until Ctrl-C; WMS webhooks at http://127.0.0.1:7071/api/...
#   ./run.sh --demo   also send a few warehouse events, print stock, audit log and OMS messages, then stop
set -euo pipefail
cd "$(dirname "$0")"
source scripts/common.sh

DEMO=0
case "${1:-}" in
  --demo) DEMO=1 ;;
  "") ;;
  *) log "usage: ./run.sh [--demo]"; exit 2 ;;
esac

require dotnet ".NET SDK 10"
ensure_node_tools
log "building..."
mkdir -p "$LOCAL"
for project in functions/WmsFunctions.Handler.csproj tools/LocalHost/WmsFunctions.LocalHost.csproj; do
  dotnet build "$project" -c Release -nologo >"$LOCAL/build.log" 2>&1 || { cat "$LOCAL/build.log" >&2; exit 1; }
done
HANDLER=functions/bin/Release/net10.0/WmsFunctions.Handler.dll
LOCALHOST=tools/LocalHost/bin/Release/net10.0/WmsFunctions.LocalHost.dll

PORT=${FUNCTIONS_CUSTOMHANDLER_PORT:-7071}
WMS_PORT=${LOCAL_WMS_PORT:-7072}
for p in "$PORT" "$WMS_PORT" 10000 10001 10002; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then log "error: port $p is in use (another ./run.sh or Azurite?)"; exit 1; fi
done
start_azurite 10000 10001 10002

# Local configuration: a tenants file with a fresh API key per WMS instance (keys in .local/api-keys.json).
dotnet "$LOCALHOST" prepare --template tenants.sample.json --tenants "$LOCAL/tenants.json" --keys "$LOCAL/api-keys.json" --secrets "$LOCAL/secrets.env"
export_sample_settings
source "$LOCAL/secrets.env" # Standard Webhooks signing secrets: app settings, never in the tenants file
export HUB_TENANTS_FILE="$LOCAL/tenants.json" FUNCTIONS_CUSTOMHANDLER_PORT="$PORT" ASPNETCORE_ENVIRONMENT=Development
# The API keys the hub sends to the stand-in WMS instances (settings named in tenants.json): fresh for every run.
new_key() { node -e "console.log(require('crypto').randomBytes(24).toString('base64url'))"; }
export WMS_DEMO_DC_EAST_KEY="${WMS_DEMO_DC_EAST_KEY:-$(new_key)}" WMS_DEMO_STORE_12_KEY="${WMS_DEMO_STORE_12_KEY:-$(new_key)}" WMS_DEMO_3PL_EDI_KEY="${WMS_DEMO_3PL_EDI_KEY:-$(new_key)}" LOCAL_WMS_PORT="$WMS_PORT"

# The app root the host would load: host.json and one folder per function, written from the catalog.
rm -rf "$LOCAL/app" && mkdir -p "$LOCAL/app" && cp host.json "$LOCAL/app/"
dotnet "$HANDLER" --write-function-metadata "$LOCAL/app" >/dev/null

dotnet "$LOCALHOST" seed
dotnet "$HANDLER" >"$LOCAL/handler.log" 2>&1 &
PIDS+=($!)
wait_for_port "$PORT" 30 "the handler" || { cat "$LOCAL/handler.log" >&2; exit 1; }
dotnet "$LOCALHOST" run --app "$LOCAL/app" --handler "http://127.0.0.1:$PORT" >"$LOCAL/host.log" 2>&1 &
PIDS+=($!)

cat <<INFO
WmsFunctions is running.
  handler (custom handler, as the Functions host would call it)  http://127.0.0.1:$PORT
  inventory webhook   POST http://127.0.0.1:$PORT/api/wms/demo/dc-east/inventory-transactions
  credentials (local) $LOCAL/api-keys.json   (API keys for X-Api-Key, Standard Webhooks secrets, bearer signing keys)
  demo items          100234 (WMS alias TSHIRT-RED-M), 100235, 200001 for tenant demo
  Azurite             blob 10000, queue 10001, table 10002 (in memory; account and key in \$HubStorage)
  OMS messages        Azurite queue sb-${OMS_EVENTS_TOPIC} (stands in for the Service Bus topic)
  OMS -> WMS          send CloudEvents to the Azurite queues sb-<topic>-subscriptions-wms-hub (e.g. sb-oms-items-subscriptions-wms-hub);
                      the stand-in WMS instances answer on http://127.0.0.1:$WMS_PORT/wms/demo/{dc-east,store-12}/ (queue wms-received)
  logs                $LOCAL/handler.log, $LOCAL/host.log
INFO

if [ "$DEMO" = 1 ]; then
  dotnet "$LOCALHOST" demo --app "$LOCAL/app" --handler "http://127.0.0.1:$PORT" --keys "$LOCAL/api-keys.json"
  exit $?
fi

echo "Ctrl-C stops everything."
wait
