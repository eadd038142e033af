#!/usr/bin/env bash
# Vendor Leaflet into the web map's static files (no CDN at run time).
#
# Downloads leaflet@VERSION from the npm registry with `npm pack` into a temporary directory and
# copies dist/leaflet.js, dist/leaflet.css, dist/images/* and LICENSE into
# src/thaadsim/web/static/vendor/leaflet/, with a VERSION file (version, sha256 of the tarball,
# date). Usage: tools/vendor_leaflet.sh [VERSION]   (default 1.9.4; run from anywhere)
set -euo pipefail

VERSION="${1:-1.9.4}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/src/thaadsim/web/static/vendor/leaflet"

command -v npm >/dev/null 2>&1 || { echo "vendor_leaflet: npm not found (apt-get install npm)" >&2; exit 1; }

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

( cd "$TMP" && npm pack --silent "leaflet@${VERSION}" >/dev/null )
TARBALL="$(ls "$TMP"/leaflet-*.tgz)"
SHA256="$(sha256sum "$TARBALL" | cut -d' ' -f1)"
tar -xzf "$TARBALL" -C "$TMP"
PKG="$TMP/package"

GOT="$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$PKG/package.json" | head -n1)"
if [ "$GOT" != "$VERSION" ]; then
  echo "vendor_leaflet: asked for $VERSION, the tarball is $GOT" >&2
  exit 1
fi
for f in dist/leaflet.js dist/leaflet.css LICENSE; do
  [ -f "$PKG/$f" ] || { echo "vendor_leaflet: $f missing from the tarball" >&2; exit 1; }
done

rm -rf "$DEST"
mkdir -p "$DEST/images"
cp "$PKG/dist/leaflet.js" "$PKG/dist/leaflet.css" "$DEST/"
cp "$PKG"/dist/images/* "$DEST/images/"
cp "$PKG/LICENSE" "$DEST/LICENSE"
{
  echo "leaflet ${VERSION}"
  echo "sha256 ${SHA256}  $(basename "$TARBALL")"
  echo "date $(date -u +%Y-%m-%d)"
  echo "source npm registry (npm pack leaflet@${VERSION})"
} > "$DEST/VERSION"

echo "vendor_leaflet: leaflet ${VERSION} -> ${DEST#"$ROOT"/}"
