#!/usr/bin/env bash
# make-icons.sh: the site's app icons, drawn from its one source, static/favicon.svg (the
# browser tab's icon). Run it after changing the SVG and commit what it writes: a phone's
# home screen (apple-touch-icon, 180 px) and the web app manifest's 192 and 512 px icons.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/debian-package.sh rsvg-convert librsvg2-bin
mkdir -p static/icons
for size in 180 192 512; do
    rsvg-convert --width "$size" --height "$size" static/favicon.svg -o "static/icons/icon-$size.png"
done
echo "static/icons: $(ls static/icons | tr '\n' ' ')"
