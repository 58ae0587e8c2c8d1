#!/usr/bin/env bash
# Regenerates samples/*.dcm from the dcmtk dump files in samples/src (needs dcmtk's dump2dcm).
set -euo pipefail
cd "$(dirname "$0")"
for dump in src/*.dump; do
  name=$(basename "$dump" .dump)
  # the dumps are UTF-8 text; a dataset declaring Latin-1 gets its text converted first
  src="$dump"
  if grep -q 'ISO_IR 100' "$dump"; then
    src=$(mktemp); iconv -f UTF-8 -t ISO-8859-1 "$dump" > "$src"
  fi
  # +te: explicit VR little endian; the file meta header is written from the dataset's UIDs
  dump2dcm +te "$src" "$name.dcm"
done
ls -l ./*.dcm
