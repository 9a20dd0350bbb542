# syntax=docker/dockerfile:1
# EdgeLens capture module: one container per camera, camera -> FFmpeg decode -> shared-memory frame ring.
# Build from the repository root (the Maven reactor needs every module's pom), e.g.
#   docker buildx build -f docker/capture.Dockerfile --platform linux/amd64,linux/arm64 \
#       -t REGISTRY/edgelens-capture:0.1.0 --push .
# See docs/operations.md. (No Docker engine runs in the project's CI; this file is not built there.)

# Bytecode is the same on every platform and the module's pom already fetches FFmpeg's native jars for
# linux-x86_64 and linux-arm64, so Maven runs once, natively, on the build machine (no emulation).
FROM --platform=$BUILDPLATFORM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The module's pom packages target/<name>.jar with its runtime dependencies in target/lib.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl capture-module -am package -DskipTests
ARG TARGETARCH
# Keep the target platform's native jars only (each platform's FFmpeg jar is about 26 MB).
RUN mkdir -p /out/lib \
 && cp capture-module/target/*.jar /out/ \
 && cp capture-module/target/lib/*.jar /out/lib/ \
 && case "$TARGETARCH" in \
      amd64) rm -f /out/lib/*-linux-arm64.jar ;; \
      arm64) rm -f /out/lib/*-linux-x86_64.jar ;; \
      *) echo "unsupported platform '$TARGETARCH': build for linux/amd64 or linux/arm64" >&2; exit 1 ;; \
    esac

FROM eclipse-temurin:17-jre-noble
# The preset's FFmpeg natives link a few system libraries they do not bundle (libavdevice: X11 grab, ALSA,
# PulseAudio; udev; on arm64 also libdrm and libva). JavaCV loads avdevice at start, so without them FFmpeg
# does not load at all: seen on a bare Ubuntu 24.04 machine (libxcb-shm.so.0, libasound.so.2, libpulse.so.0
# missing). NativeLibrariesTest reads the natives' ELF headers and keeps this list in step with the FFmpeg jar.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libxcb1 libxcb-shm0 libasound2t64 libpulse0 libudev1 libdrm2 libva2 libva-drm2 \
 && rm -rf /var/lib/apt/lists/*
# Both modules' users share group 10000: the ring file is created mode 0660 by this user (10001) and
# read by the inference user (10002). Numeric ids so that host folders and tmpfs options can name them.
RUN groupadd --gid 10000 edgelens \
 && useradd --uid 10001 --gid 10000 --create-home --home-dir /home/capture --shell /usr/sbin/nologin capture
COPY --from=build /out/ /app/
COPY --chmod=0755 docker/healthcheck.sh /usr/local/bin/edgelens-healthcheck
USER 10001:10000
WORKDIR /app
# Healthy = the ring is open and its writer heartbeats; a camera that is down is not a container fault.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["/usr/local/bin/edgelens-healthcheck", "capture"]
# glibc gives each thread that allocates its own malloc arena (up to 8 x cores); native libraries (FFmpeg,
# ONNX Runtime) then grow resident memory for a long while. Two arenas kept a 10-minute soak within 5%.
ENV MALLOC_ARENA_MAX=2
# Configuration comes from EDGELENS_* variables (docs/configuration.md); JVM flags from JAVA_TOOL_OPTIONS.
# java is PID 1, so SIGTERM (docker stop) reaches it and the ring is marked closed.
ENTRYPOINT ["java", "-cp", "/app/*:/app/lib/*", "dev.edgelens.capture.CaptureMain"]
