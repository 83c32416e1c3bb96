#!/usr/bin/env bash
# Fetch htmx from the npm registry into static/vendor/ (git-ignored): third-party code is
# installed at setup, never committed. The version is pinned here and in the README.
set -euo pipefail
version="${HTMX_VERSION:-2.0.11}"
dest="static/vendor"
[ -f "$dest/htmx.min.js" ] && grep -q "$version" "$dest/.version" 2>/dev/null && exit 0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "htmx.org@$version" >/dev/null)
tar -xzf "$tmp"/htmx.org-*.tgz -C "$tmp" package/dist/htmx.min.js
mkdir -p "$dest"
cp "$tmp/package/dist/htmx.min.js" "$dest/htmx.min.js"
echo "$version" > "$dest/.version"
echo "htmx $version -> $dest/htmx.min.js"
