#!/bin/bash
# Packs what benchmarks/device/nvdec.sh needs on a bare GPU machine into .gpucheck/ (ignored by git; under the
# device tool's 64 MiB limit): the capture program and its x86-64 jars, a trimmed Java 17 runtime, the system
# libraries FFmpeg's natives link but do not bundle, and a 1080p H.264 test clip. Optionally a second capture
# jar to compare against (BEFORE=path/to/capture-module.jar).
# Run from the repository root after `mvn -pl capture-module -am package -DskipTests`; needs the jdk's jlink
# and the Debian ffmpeg package (for the clip). Then: device run `bash .gpucheck/nvdec.sh`, carry .gpucheck.
set -euo pipefail
G=.gpucheck
grep -qx "/$G/" .git/info/exclude 2>/dev/null || echo "/$G/" >> .git/info/exclude
rm -rf $G && mkdir -p $G/lib
cp capture-module/target/capture-module.jar $G/
[ -n "${BEFORE:-}" ] && cp "$BEFORE" $G/capture-before.jar
# x86-64 jars only, and none of the IoT Hub client's transport jars (the twin is off in this check)
for j in capture-module/target/lib/*.jar; do
  case "$(basename $j)" in
    *linux-arm64*|jackson-*|proton-j-*|qpid-proton-*|commons-lang3-*|security-provider-*|org.eclipse.paho*|gson-*|commons-codec-*) ;;
    *) cp "$j" $G/lib/ ;;
  esac
done
JH=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
"$JH/bin/jlink" --add-modules java.base,java.logging,java.management,java.naming,java.xml,jdk.unsupported \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output /tmp/edgelens-jre
tar cf - -C /tmp edgelens-jre | xz -T0 -6 > $G/jre.tar.xz && rm -rf /tmp/edgelens-jre
# libavdevice's X11/ALSA/PulseAudio libraries and their own needs (the machine's copies win at run time)
mkdir -p /tmp/syslib
for l in libxcb.so.1 libxcb-shm.so.0 libasound.so.2 libpulse.so.0 libudev.so.1 libXau.so.6 libXdmcp.so.6 \
    libdbus-1.so.3 libbsd.so.0 libsndfile.so.1 libX11-xcb.so.1 libX11.so.6 libsystemd.so.0 libasyncns.so.0 \
    libmd.so.0 libFLAC.so.12 libvorbis.so.0 libvorbisenc.so.2 libopus.so.0 libogg.so.0 libmpg123.so.0 \
    libmp3lame.so.0 libcap.so.2 libgcrypt.so.20 liblzma.so.5 libzstd.so.1 liblz4.so.1 libgpg-error.so.0; do
  cp -L /lib/x86_64-linux-gnu/$l /tmp/syslib/
done
cp -L /usr/lib/x86_64-linux-gnu/pulseaudio/libpulsecommon-*.so /tmp/syslib/
tar cf - -C /tmp syslib | xz -T0 -6 > $G/syslib.tar.xz && rm -rf /tmp/syslib
# 30 s of 1080p30 H.264: a window panning over a photo (real texture, about 1 Mbit/s)
ffmpeg -hide_banner -loglevel error -loop 1 -framerate 30 -i ../shared/media/astronaut.png \
  -vf "scale=2600:-2,crop=1920:1080:'mod(n*4,600)':'mod(n*2,200)'" -frames:v 900 -c:v libx264 -preset veryfast \
  -crf 24 -g 30 -bf 0 -pix_fmt yuv420p $G/clip1080.mp4
cp benchmarks/device/nvdec.sh $G/
du -sh $G
