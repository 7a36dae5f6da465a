#!/usr/bin/env bash
# Builds the deploy package the Functions host loads, and zips it for zip deploy:
#   ./publish.sh [OUT_DIR] [--tenants FILE]
#   OUT_DIR/package/        host.json, one folder per function with its function.json (written from the
#                           function catalog), and WmsFunctions.Handler: self-contained linux-x64, single
#                           file, ReadyToRun (no .NET needed on the image; measured ~0.28 s to first answer)
#   OUT_DIR/wmsfunctions.zip the same, ready for `az functionapp deployment source config-zip` / Flex deploy
# --tenants FILE copies a tenants file into the package as tenants.json (HUB_TENANTS_FILE=tenants.json).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/common.sh

OUT=artifacts
TENANTS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --tenants) TENANTS=$2; shift 2 ;;
    -*) log "usage: ./publish.sh [OUT_DIR] [--tenants FILE]"; exit 2 ;;
    *) OUT=$1; shift ;;
  esac
done
require dotnet ".NET SDK 10"
require zip "zip, to pack the package"

OUT=$(mkdir -p "$OUT" && cd "$OUT" && pwd)
PACKAGE="$OUT/package"
rm -rf "$PACKAGE" "$OUT/wmsfunctions.zip"
mkdir -p "$PACKAGE"

dotnet publish functions/WmsFunctions.Handler.csproj -c Release -r linux-x64 --self-contained true \
  -p:PublishSingleFile=true -p:PublishReadyToRun=true -p:DebugType=none -p:GenerateStaticWebAssetsManifest=false \
  -o "$PACKAGE" -nologo >"$OUT/publish.log" 2>&1 || { cat "$OUT/publish.log" >&2; exit 1; }
rm -f "$PACKAGE"/*.staticwebassets.endpoints.json

cp host.json "$PACKAGE/"
"$PACKAGE/WmsFunctions.Handler" --write-function-metadata "$PACKAGE" >/dev/null
if [ -n "$TENANTS" ]; then cp "$TENANTS" "$PACKAGE/tenants.json"; fi

(cd "$PACKAGE" && zip -q -r -X "$OUT/wmsfunctions.zip" .)
log "package: $PACKAGE"
echo "$OUT/wmsfunctions.zip"
