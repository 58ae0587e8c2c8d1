#!/usr/bin/env bash
# Store DICOM files with STOW-RS, all in one multipart/related request (as in Google's
# "multipart-request-file" example, but streamed: the body is written on the fly, not kept).
# Usage: samples/stow.sh FILE.dcm [FILE.dcm ...]      (e.g. samples/stow.sh samples/*.dcm)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/api-env.sh"
[ $# -gt 0 ] || { echo "usage: $0 FILE.dcm [FILE.dcm ...]" >&2; exit 2; }
boundary="DICOMwebBoundary"

multipart_body() {
  for f in "$@"; do
    printf -- '--%s\r\nContent-Type: application/dicom\r\n\r\n' "$boundary"
    cat "$f"
    printf '\r\n'
  done
  printf -- '--%s--\r\n' "$boundary"
}

# -T - streams stdin as a chunked body; -X POST because -T alone would PUT
multipart_body "$@" | curl -sS -X POST -T - \
    "${AUTH[@]}" \
    -H "Content-Type: multipart/related; type=\"application/dicom\"; boundary=${boundary}" \
    -H "Accept: application/dicom+json" \
    "${BASE}/dicomWeb/studies"
echo
