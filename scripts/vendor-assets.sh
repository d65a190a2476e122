#!/usr/bin/env bash
# Brings the pinned U.S. Web Design System release from the npm registry into
# crates/cris/assets/vendor/uswds, keeping only what the pages load: the minified CSS and JS,
# every font and image the CSS refers to, the banner images, and the licence.
# The result is committed, so building and running CRIS never needs npm; run this only to
# move to another USWDS version (change USWDS_VERSION, run, review, commit).
set -euo pipefail
USWDS_VERSION=3.14.0
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/crates/cris/assets/vendor/uswds"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "@uswds/uswds@$USWDS_VERSION" >/dev/null && tar xzf uswds-uswds-*.tgz)
dist="$work/package/dist"
rm -rf "$dest"
mkdir -p "$dest/css" "$dest/js" "$dest/img"
cp "$dist/css/uswds.min.css" "$dest/css/"
cp "$dist/js/uswds.min.js" "$dist/js/uswds-init.min.js" "$dest/js/"
cp "$work/package/LICENSE.md" "$dest/LICENSE.md"
echo "$USWDS_VERSION" > "$dest/VERSION"

# Every url(...) in the CSS that points at a file of the package (fonts and images).
grep -oE 'url\([^)]*\)' "$dist/css/uswds.min.css" \
  | sed -E 's/url\("?([^")]*)"?\)/\1/' | grep -E '^\.\./(fonts|img)/' | sed 's#^\.\./##' | sort -u \
  | while read -r rel; do
      mkdir -p "$dest/$(dirname "$rel")"
      cp "$dist/$rel" "$dest/$rel"
    done
# Images the official-website banner and header use directly.
for img in us_flag_small.png icon-dot-gov.svg icon-https.svg sprite.svg; do
  cp "$dist/img/$img" "$dest/img/"
done
du -sh "$dest"
