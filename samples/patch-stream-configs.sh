#!/usr/bin/env bash
# Replace the store's stream configs with those in request.json (Google's documented PATCH),
# then show the store. Usage: samples/patch-stream-configs.sh [request.json]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/api-env.sh"
request="${1:-$here/request.json}"

curl -sS -X PATCH \
    "${AUTH[@]}" \
    -H "Content-Type: application/json; charset=utf-8" \
    -d @"$request" \
    "${BASE}?updateMask=streamConfigs"
echo
curl -sS "${AUTH[@]}" "${BASE}"
echo
