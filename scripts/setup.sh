#!/usr/bin/env bash
# One-time set-up shared by `make run` and `make test`: installs what Maven Central
# cannot give us (PixelMed from Debian) and the DICOM tools the tests compare against.
set -euo pipefail

PIXELMED_VERSION=20220618
PIXELMED_JAR=/usr/share/java/pixelmed-${PIXELMED_VERSION}.jar
M2_JAR="${HOME}/.m2/repository/com/pixelmed/pixelmed/${PIXELMED_VERSION}/pixelmed-${PIXELMED_VERSION}.jar"

missing_pkgs=()
[ -f "$PIXELMED_JAR" ] || missing_pkgs+=(libpixelmed-java)
command -v dcm2json >/dev/null 2>&1 || missing_pkgs+=(dcmtk)
command -v mvn >/dev/null 2>&1 || missing_pkgs+=(maven)
command -v unzip >/dev/null 2>&1 || missing_pkgs+=(unzip)
# a third-party STOW-RS client for the interoperability test (Orthanc's DICOMweb plugin)
[ -x /usr/sbin/Orthanc ] || missing_pkgs+=(orthanc)
[ -f /usr/share/orthanc/plugins/libOrthancDicomWeb.so ] || missing_pkgs+=(orthanc-dicomweb)
command -v curl >/dev/null 2>&1 || missing_pkgs+=(curl)

if [ ${#missing_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian packages: ${missing_pkgs[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing_pkgs[@]}" >/dev/null
  else
    echo "setup: missing ${missing_pkgs[*]}." >&2
    echo "setup: on Debian/Ubuntu run: sudo apt-get install ${missing_pkgs[*]}" >&2
    echo "setup: PixelMed can also be installed by hand:" >&2
    echo "  mvn install:install-file -Dfile=pixelmed.jar -DgroupId=com.pixelmed -DartifactId=pixelmed -Dversion=${PIXELMED_VERSION} -Dpackaging=jar" >&2
    [ -f "$M2_JAR" ] || exit 1
  fi
fi

# Debian's jar names /usr/share/java jars in its manifest Class-Path (slf4j 1.7 with a JUL
# binding among them), which would leak onto our classpath: install a copy without it.
if [ ! -f "$M2_JAR" ] || unzip -p "$M2_JAR" META-INF/MANIFEST.MF | grep -q '^Class-Path'; then
  echo "setup: installing PixelMed ${PIXELMED_VERSION} into the local Maven repository"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && mkdir x && cd x && unzip -q "$PIXELMED_JAR" && rm -f META-INF/MANIFEST.MF \
     && printf 'Manifest-Version: 1.0\nCreated-By: dicom-bq setup (Class-Path removed)\n' > ../manifest.txt \
     && jar cfm ../pixelmed.jar ../manifest.txt .)
  mvn -q install:install-file -Dfile="$work/pixelmed.jar" -DgroupId=com.pixelmed \
      -DartifactId=pixelmed -Dversion="$PIXELMED_VERSION" -Dpackaging=jar -DgeneratePom=true
fi
