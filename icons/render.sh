#!/usr/bin/env bash
# Renders deckhand.svg (the source of truth) into the icons Tauri bundles:
# icon.png (1024×1024 RGBA), 16x16 … 512x512.png, icon.ico (16–256 px)
# and icon.icns. Needs ImageMagick's /usr/bin/convert and the UI's npm
# packages (for the Tauri CLI): run `npm ci` in ui/ first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# ImageMagick's own SVG renderer draws deckhand.svg correctly because every
# shape there carries explicit fill and stroke attributes.
/usr/bin/convert -background none -density 96 deckhand.svg -resize 1024x1024 PNG32:icon.png

# `tauri icon` writes every platform's sizes (Android, iOS, Windows Store …)
# and a 512 px icon.png; keep only what tauri.conf.json's bundle.icon lists.
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
../ui/node_modules/.bin/tauri icon icon.png -o "$out" >/dev/null 2>&1
cp "$out"/{32x32.png,128x128.png,icon.ico,icon.icns} .

# The other sizes Linux desktops look up (hicolor theme: 16 … 512 px); the .deb installs each.
for size in 16 24 48 64 256 512; do
  /usr/bin/convert icon.png -resize "${size}x${size}" -define png:exclude-chunks=date,time "PNG32:${size}x${size}.png"
done
echo "icons: rendered $(ls -1 ./*.png ./*.ico ./*.icns | wc -l) files from deckhand.svg"

# The tray's four states: the icon with a dot — grey idle, blue running, red needs attention,
# amber paused.
for state in "idle:#8a94a6" "running:#228be6" "attention:#e03131" "paused:#f59f00"; do
  name="${state%%:*}" colour="${state#*:}"
  /usr/bin/convert 128x128.png -resize 64x64 \
    \( -size 64x64 xc:none -fill "$colour" -stroke white -strokewidth 4 -draw "circle 48,48 48,34" \) \
    -composite "PNG32:tray-$name.png"
done
