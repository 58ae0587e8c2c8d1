#!/usr/bin/env bash
# Delete a study, a series or one instance (DICOMweb DELETE). The store keeps no copy, and each
# stream config's table gets a Type='DELETE' row per deleted instance.
# Usage: samples/delete.sh STUDY_UID [SERIES_UID [INSTANCE_UID]]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/api-env.sh"
[ $# -ge 1 ] || { echo "usage: $0 STUDY_UID [SERIES_UID [INSTANCE_UID]]" >&2; exit 2; }

path="studies/$1"
[ $# -ge 2 ] && path="$path/series/$2"
[ $# -ge 3 ] && path="$path/instances/$3"
curl -sS -X DELETE "${AUTH[@]}" "${BASE}/dicomWeb/${path}"
echo
