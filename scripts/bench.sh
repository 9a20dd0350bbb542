#!/usr/bin/env bash
# Builds the benchmarks and runs them all, printing each figure next to its baseline (same run) as a ratio
# with its target, and writes benchmarks/results/results.json and results.md (one table).
#
#   ./scripts/bench.sh [--short|--full] [--no-build] [--verbose] [--only STEP[,STEP...]]
#
#   --short    a few minutes on 2 cores: JMH 1 warm-up + 3 x 1 s, short harness windows, 1-minute soak
#   --full     (default) the published numbers: JMH iterations as each class declares them, longer windows,
#              the 10-minute soak (about 35 minutes in all on 2 cores)
#   --no-build use the jars already built
#   --verbose  show every step's output (otherwise it goes to benchmarks/results/logs/STEP.log)
#   --only     run only these steps (names as printed in brackets: ring, ring-latency, shm, decode, live-cpu,
#              preprocess, inference, e2e-1, e2e-4, soak)
#
# Needs what ./scripts/test.sh installs (Debian ffmpeg with libx264, GStreamer tools and RTSP server for Python)
# and the models in ../shared/models (override: -Dedgelens.shared=DIR through JAVA_OPTS).
set -uo pipefail
cd "$(dirname "$0")/.."

invocation="./scripts/bench.sh${*:+ $*}"
mode=full
build=true
verbose=false
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --short) mode=short; shift ;;
    --full) mode=full; shift ;;
    --no-build) build=false; shift ;;
    --verbose) verbose=true; shift ;;
    --only) only=",$2,"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown option '$1'; expected --short, --full, --no-build, --verbose, --only STEPS" >&2
       exit 2 ;;
  esac
done

RESULTS=benchmarks/results
PARTS=$RESULTS/parts
LOGS=$RESULTS/logs
JAR=benchmarks/target/benchmarks.jar
export OPT_OUT_TRACKING=true DJL_OFFLINE=true
JAVA=(java ${JAVA_OPTS:-} -cp "$JAR")
started=$(date +%s)

if $build; then
  echo "[build] mvn install of frame-ring, capture-module, inference-module and benchmarks (skipping tests) ..."
  if ! mvn -B -q -ntp install -DskipTests -pl benchmarks -am; then
    echo "bench.sh: the build failed (see above)" >&2
    exit 1
  fi
fi
for f in "$JAR" capture-module/target/capture-module.jar inference-module/target/edgelens-inference.jar; do
  [ -f "$f" ] || { echo "bench.sh: $f is missing: run without --no-build" >&2; exit 1; }
done
rm -rf "$PARTS" "$LOGS"
mkdir -p "$PARTS" "$LOGS"

short() { [ "$mode" = short ]; }
if short; then S=--short; else S=""; fi

# name | label | command (run with the parts folder as $PARTS)
steps=(
  "ring|frame ring publish+consume vs plain copy, 720p and 1080p (JMH)|${JAVA[*]} dev.edgelens.bench.RatioRunner $S --out $PARTS --name ring dev.edgelens.bench.ring.RingThroughputBenchmark"
  "ring-latency|frame ring publish-to-visible latency, 64 B and 1080p (JMH)|${JAVA[*]} dev.edgelens.bench.RatioRunner $S --out $PARTS --name ring-latency dev.edgelens.bench.ring.RingLatencyBenchmark"
  "shm|frame ring vs GStreamer shmsink->shmsrc, 1080p BGR between two processes|${JAVA[*]} dev.edgelens.bench.shm.ShmComparison $S --out $PARTS"
  "decode|capture decode + copy into the ring vs ffmpeg -benchmark, 720p and 1080p (JMH)|${JAVA[*]} dev.edgelens.bench.RatioRunner $S --out $PARTS --name decode dev.edgelens.bench.capture.CaptureDecodeBenchmark"
  "live-cpu|CPU per live 1080p30 RTSP stream, capture vs ffmpeg CLI|${JAVA[*]} dev.edgelens.bench.LiveCpuRows $(short && echo 10 || echo 30) $PARTS/live-cpu.json"
  "preprocess|preprocessing 1080p BGR -> 224x224 NCHW (JMH)|${JAVA[*]} dev.edgelens.bench.RatioRunner $S --out $PARTS --name preprocess dev.edgelens.bench.inference.PreprocessBenchmark"
  "inference|MobileNetV2 frame: inference path vs raw ONNX Runtime (JMH)|${JAVA[*]} dev.edgelens.bench.RatioRunner $S --out $PARTS --name inference dev.edgelens.bench.inference.InferencePathBenchmark"
  "e2e-1|end to end, 1 live 1080p30 RTSP camera: capture process + inference process|${JAVA[*]} dev.edgelens.bench.e2e.EndToEnd --cameras 1 --seconds $(short && echo 20 || echo 60) --out $PARTS/e2e-1.json"
  "e2e-4|end to end, 4 live 1080p30 RTSP cameras: 4 capture processes + 1 inference process|${JAVA[*]} dev.edgelens.bench.e2e.EndToEnd --cameras 4 --seconds $(short && echo 20 || echo 60) --out $PARTS/e2e-4.json"
  "soak|soak: resident memory of capture and inference at start and end on a live stream ($(short && echo 1 || echo 10) min)|${JAVA[*]} dev.edgelens.bench.e2e.EndToEnd --cameras 1 --soak $(short && echo 60 || echo 600) --out $PARTS/soak.json"
)

selected=()
for s in "${steps[@]}"; do
  name=${s%%|*}
  if [ -z "$only" ] || [[ "$only" == *",$name,"* ]]; then selected+=("$s"); fi
done
total=${#selected[@]}
[ "$total" -gt 0 ] || { echo "bench.sh: --only matched no step" >&2; exit 2; }

echo "[bench] $mode mode, $total steps; logs in $LOGS/"
i=0
parts=()
for s in "${selected[@]}"; do
  i=$((i + 1))
  name=${s%%|*}
  rest=${s#*|}
  label=${rest%%|*}
  cmd=${rest#*|}
  case "$name" in
    shm) parts+=("$name=$PARTS/shm.json") ;;
    *) parts+=("$name=$PARTS/$name.json") ;;
  esac
  t0=$(date +%s)
  echo "[$i/$total] $label ..."
  if $verbose; then
    bash -c "$cmd" 2>&1 | tee "$LOGS/$name.log"
    rc=${PIPESTATUS[0]}
  else
    bash -c "$cmd" >"$LOGS/$name.log" 2>&1
    rc=$?
  fi
  t1=$(date +%s)
  if [ "$rc" -eq 0 ]; then
    echo "      done in $((t1 - t0)) s"
  else
    echo "      FAILED (exit $rc) after $((t1 - t0)) s; last lines of $LOGS/$name.log:"
    tail -n 15 "$LOGS/$name.log" | sed 's/^/        /'
  fi
done

echo "[bench] merging $total parts ($(( $(date +%s) - started )) s so far)"
"${JAVA[@]}" dev.edgelens.bench.ResultsTable --out "$RESULTS" --mode "$mode" \
  --command "$invocation" "${parts[@]}"
