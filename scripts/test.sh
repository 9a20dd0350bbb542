#!/usr/bin/env bash
# The project's test command (README "Test"): installs what the tests need on a fresh
# Debian/Ubuntu machine that has only Java 17 and Maven, then runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the tests start for real (RTSP server, test-video encoder, ...).
# One list, kept here so README, CI and developers install the same things.
APT_PACKAGES=(
  ffmpeg
  python3-gi
  gir1.2-gst-rtsp-server-1.0
  gstreamer1.0-tools
  gstreamer1.0-plugins-base
  gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing test packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# DJL must not call home; it is also set by surefire for the tests.
export OPT_OUT_TRACKING=true DJL_OFFLINE=true

echo "==> mvn verify (all modules, all tests)"
exec mvn -B -ntp verify "$@"
