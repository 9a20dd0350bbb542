#!/bin/bash
# Hardware (NVDEC) decoding with the capture module's own FFmpeg build, on a GPU machine (see prepare.sh).
# 1. the preset's ffmpeg CLI: where the CPU goes (decode alone, decode + conversion to BGR24);
# 2. the capture program: software vs --decoder=h264_cuvid, and (if capture-before.jar is there) the earlier
#    build against this one, interleaved. CPU = user + sys of the whole process, JVM start/stop measured apart.
D=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-/tmp/nvdec-out}; mkdir -p $OUT
exec > >(tee $OUT/nvdec.txt) 2>&1
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader; echo "cores: $(nproc)"
FFD=/tmp/ff/org/bytedeco/ffmpeg/linux-x86_64
python3 -c "import zipfile; zipfile.ZipFile('$D/lib/ffmpeg-8.1.2-1.5.14-linux-x86_64.jar').extractall('/tmp/ff')"
chmod +x $FFD/ffmpeg
mkdir -p /tmp/sys /tmp/jre && tar xJf $D/syslib.tar.xz -C /tmp/sys && tar xJf $D/jre.tar.xz -C /tmp/jre
export LD_LIBRARY_PATH=$FFD:/usr/local/nvidia/lib64:/tmp/sys/syslib
F=$D/clip1080.mp4
cli() { echo "== ffmpeg $*"; $FFD/ffmpeg -hide_banner -nostats -benchmark "$@" -f null - 2>&1 | grep -E "bench: utime|rror" | tail -2; }
cli -threads 1 -c:v h264 -i $F
cli -threads 1 -c:v h264 -i $F -pix_fmt bgr24
cli -c:v h264_cuvid -i $F
cli -c:v h264_cuvid -i $F -pix_fmt bgr24
cli -c:v h264_cuvid -i $F -vf format=yuv420p -pix_fmt bgr24
(nvidia-smi dmon -s u -d 1 > $OUT/dmon.txt 2>&1 &)
J=/tmp/jre/edgelens-jre/bin/java
TIMEFORMAT="   time: wall %R s, user %U s, sys %S s"
cap() { # jar decoder
  rm -f /tmp/nvdec.ring
  time ($J -jar $D/$1 --camera-id=gpu --source=$F --pace=false --ring=/tmp/nvdec.ring --decoder=$2 \
     --ffmpeg-log-level=error 2>&1 | grep -E "STREAMING|frames published|ERROR|Exception" | sed 's/.*- camera gpu/   /' | cut -c1-150)
}
echo "== JVM start and stop only"; time ($J -jar $D/capture-module.jar --help > /dev/null)
for i in 1 2 3; do
  echo "== capture, software, run $i"; cap capture-module.jar ""
  if [ -f $D/capture-before.jar ]; then echo "== capture-before, h264_cuvid, run $i"; cap capture-before.jar h264_cuvid; fi
  echo "== capture, h264_cuvid, run $i"; cap capture-module.jar h264_cuvid
done
pkill -f "nvidia-smi dmon"; exit 0
