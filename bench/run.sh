#!/usr/bin/env bash
# The benchmark, one command: builds the bundle if needed, makes a corpus, runs the bundle as a
# separate JVM and measures it from outside; prints a table of medians.
#   bench/run.sh            full run: 6,000 instances, every figure 3 times (20-25 minutes)
#   bench/run.sh --quick    2,000 instances, each figure once (about 6 minutes; reads low: smaller warm-ups)
#   bench/run.sh --only a,b,pydicom   just some figures (a floor b c d f g pydicom; e comes with b and c)
#   bench/run.sh --sustained 180   (d)'s 200/s held for 180 s, once, on 36,000 instances of its own
#                                  (with --only, after the figures named there)
# Not part of `make test`. Work files go to $BENCH_WORK (default: a temp dir, removed afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# the same set-up as `make run` and `make test` (Debian packages, PixelMed in the local Maven
# repository), so the bench also runs first thing on a new machine
./scripts/setup.sh

if [ ! -f target/dicom-bq.jar ] || [ ! -d target/test-classes/io/dicombq/bigquery ] \
   || [ -n "$(find processors routes application.properties pom.xml -newer target/dicom-bq.jar 2>/dev/null | head -1)" ]; then
  echo "[bench] building the bundle (mvn package -DskipTests)"
  mvn -q -B -o package -DskipTests 2>/dev/null || mvn -q -B package -DskipTests
fi

# the comparison: a pydicom script, as a user would write it (Debian's package: PyPI is not needed)
if ! /usr/bin/python3 -c 'import pydicom' 2>/dev/null; then
  echo "[bench] installing python3-pydicom"
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pydicom) >/dev/null
  else
    sudo sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pydicom' >/dev/null
  fi
fi

work=${BENCH_WORK:-$(mktemp -d /tmp/dicom-bq-bench.XXXXXX)}
mkdir -p "$work/templates"
[ -z "${BENCH_WORK:-}" ] && trap 'rm -rf "$work"' EXIT

# the corpora, the stores of the bundles (a STOW-RS bundle's warm-up stores up to ~3.5 GB of new
# instances) and three copies of the 1 GiB instance take ~11 GB at the peak of a full run (~5 GB
# quick): a disk that fills up mid-run fails (f) and slows the rest
need_gb=13
case " $* " in *" --quick "*) need_gb=6 ;; esac
# --sustained S: 200 x S more instances of ~100 KB, and the bundle's store of them
sustained=$(echo " $* " | sed -n 's/.* --sustained \([0-9]*\) .*/\1/p')
[ -n "$sustained" ] && need_gb=$((need_gb + sustained * 200 * 2 / 10000))
free_gb=$(df -Pk "$work" | awk 'NR == 2 { print int($4 / 1048576) }')
if [ "$free_gb" -lt "$need_gb" ]; then
  echo "[bench] $work has ${free_gb} GB free; the bench needs about ${need_gb} GB (set BENCH_WORK to a folder on a larger disk)" >&2
  exit 1
fi

# the template instances: dcmtk dumps in bench/templates, Latin-1 ones converted first
for dump in bench/templates/*.dump; do
  name=$(basename "$dump" .dump)
  src="$dump"
  if grep -q 'ISO_IR 100' "$dump"; then
    src="$work/templates/$name.latin1"; iconv -f UTF-8 -t ISO-8859-1 "$dump" > "$src"
  fi
  dump2dcm +te "$src" "$work/templates/$name.dcm"
done

cp="target/dicom-bq.jar:target/lib/*:target/test-classes"
mkdir -p target/bench-classes
javac -nowarn -d target/bench-classes -cp "$cp" bench/src/io/dicombq/bench/*.java
echo "[bench] machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/{print $2}') GB RAM; $(java -version 2>&1 | head -1)"
# the work folder's file system and its mount options, for the record (BENCHMARKS.md compares some)
echo "[bench] work folder on $(findmnt -n -o FSTYPE,OPTIONS --target "$work" 2>/dev/null || echo 'a file system findmnt does not know')"
# the bench's JVM uses the bundle's classes (parser, BigQuery client), whose INFO log lines are left out.
# Its heap is fixed, as the bundles' are (Bundle.java): (g) runs the bundle's delivery path in it
# (with -Xmx alone the System.gc() before (g)'s timed part shrank the heap to 1 GB)
java -Xms2g -Xmx2g ${BENCH_JAVA_OPTS:-} -Dbench.dir="$root/bench" -cp "target/bench-classes:$cp" io.dicombq.bench.Bench \
  "$work" "$root/target/dicom-bq.jar" "$work/templates" "$@" 2>&1 | grep --line-buffered -v '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]* INFO '
exit "${PIPESTATUS[0]}"
