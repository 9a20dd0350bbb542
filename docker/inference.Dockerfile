# syntax=docker/dockerfile:1
# EdgeLens inference module: frame rings -> ONNX classification (DJL on ONNX Runtime, CPU) -> events.
# Build from the repository root (the Maven reactor needs every module's pom), e.g.
#   docker buildx build -f docker/inference.Dockerfile --platform linux/amd64,linux/arm64 \
#       -t REGISTRY/edgelens-inference:0.1.0 --push .
# Jetson: docker/inference-jetson.Dockerfile. See docs/operations.md. (No Docker engine runs in the
# project's CI; this file is not built there.)

# Bytecode is platform-independent and the ONNX Runtime jar from Maven Central carries the native
# libraries of linux-x64 and linux-aarch64 (CPU only), so Maven runs once, natively, on the build machine.
FROM --platform=$BUILDPLATFORM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The module's pom packages target/<name>.jar with its runtime dependencies in target/lib.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl inference-module -am package -DskipTests
RUN mkdir -p /out/lib \
 && cp inference-module/target/*.jar /out/ \
 && cp inference-module/target/lib/*.jar /out/lib/

FROM eclipse-temurin:17-jre
# Group 10000 is shared with the capture image, whose user (10001) creates the ring files mode 0660.
RUN groupadd --gid 10000 edgelens \
 && useradd --uid 10002 --gid 10000 --create-home --home-dir /home/inference --shell /usr/sbin/nologin inference \
 && mkdir -p /var/lib/edgelens && chown 10002:10000 /var/lib/edgelens
COPY --from=build /out/ /app/
# The default model (camera-health); mount a models folder over /app/models to add or swap models.
COPY models/ /app/models/
COPY --chmod=0755 docker/healthcheck.sh /usr/local/bin/edgelens-healthcheck
# DJL must never call home. The event file doubles as the health signal (heartbeat events land there
# even when nothing changes); the outbox keeps events for IoT Hub across restarts: bind a host folder
# to /var/lib/edgelens to keep both.
ENV OPT_OUT_TRACKING=true \
    DJL_OFFLINE=true \
    EDGELENS_MODELS_DIR=/app/models \
    EDGELENS_EVENT_FILE=/var/lib/edgelens/events/events.jsonl \
    EDGELENS_IOTHUB_OUTBOX_DIR=/var/lib/edgelens/outbox
USER 10002:10000
WORKDIR /app
HEALTHCHECK --interval=30s --timeout=10s --start-period=120s --retries=3 \
    CMD ["/usr/local/bin/edgelens-healthcheck", "inference"]
# glibc gives each thread that allocates its own malloc arena (up to 8 x cores); native libraries (FFmpeg,
# ONNX Runtime) then grow resident memory for a long while. Two arenas kept a 10-minute soak within 5%.
ENV MALLOC_ARENA_MAX=2
# Configuration comes from EDGELENS_* variables (docs/configuration.md); JVM flags from JAVA_TOOL_OPTIONS.
ENTRYPOINT ["java", "-cp", "/app/*:/app/lib/*", "dev.edgelens.inference.InferenceMain"]
