#!/bin/sh
# Install the Debian packages WeasyPrint needs to lay out the certificates (`lms-sync report certificates`), if missing:
# Pango (text layout), HarfBuzz's subsetter (embeds only the glyphs used) and the DejaVu fonts the certificate uses.
# Run as root (CI does; a developer: sudo sh .ci/pdf-libraries.sh). Does nothing when everything is installed.
set -eu

PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"
missing=""
for package in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
if [ -n "$missing" ]; then
    echo "pdf-libraries: installing$missing" >&2
    apt-get update -qq
    # shellcheck disable=SC2086 # one word per package
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
