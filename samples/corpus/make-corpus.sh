#!/bin/sh
# Regenerates the edge-case corpus in src/test/resources/corpus (committed, so tests need no tools).
# The instances are written byte by byte by a small test-scope encoder (CorpusGenerator), because
# many of them (UN-encoded sequences, wrong VRs, bad dates, ISO 2022 escapes) are ones dcmtk's
# writers refuse to produce. When dcmtk is installed, dcmdump is run on each file as a sanity check.
set -eu
cd "$(dirname "$0")/../.."
mvn -q -B -o test-compile
CP="target/test-classes:target/classes:$(mvn -q -B -o dependency:build-classpath -Dmdep.outputFile=/dev/stdout)"
java -cp "$CP" io.dicombq.row.corpus.CorpusGenerator src/test/resources/corpus
if command -v dcmdump >/dev/null 2>&1; then
  for f in src/test/resources/corpus/*.dcm; do
    dcmdump -q "$f" >/dev/null 2>&1 || echo "dcmdump cannot read $f (expected only for deliberately odd files)"
  done
fi
