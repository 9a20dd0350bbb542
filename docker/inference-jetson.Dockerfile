# syntax=docker/dockerfile:1
# EdgeLens inference module on an NVIDIA Jetson (linux/arm64, L4T base image). Build on the Jetson, or
# elsewhere with QEMU, from the repository root:
#   docker buildx build -f docker/inference-jetson.Dockerfile --platform linux/arm64 \
#       -t REGISTRY/edgelens-inference:0.1.0-jetson --push .
# L4T_BASE must match the device's L4T release (cat /etc/nv_tegra_release): the default is the last
# release for the Jetson Nano (JetPack 4.6.x = L4T r32.7). Run it with the NVIDIA runtime
# (docker run --runtime nvidia; IoT Edge: "HostConfig": {"Runtime": "nvidia"}).
#
# GPU inference needs an ONNX Runtime Java jar built with the CUDA/TensorRT execution providers:
# Maven Central publishes none for aarch64, so the jar from Maven Central runs on the CPU. Put a jar
# you built on the Jetson (ONNX Runtime's build.sh --build_java --use_cuda --use_tensorrt ...) into
# docker/jetson/ and it replaces the CPU one; docs/operations.md says which versions can work where.
# (No Docker engine runs in the project's CI; this file is not built there.)
ARG L4T_BASE=nvcr.io/nvidia/l4t-base:r32.7.1

FROM --platform=$BUILDPLATFORM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The module's pom packages target/<name>.jar with its runtime dependencies in target/lib.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl inference-module -am package -DskipTests
RUN mkdir -p /out/lib \
 && cp inference-module/target/*.jar /out/ \
 && cp inference-module/target/lib/*.jar /out/lib/
# An ONNX Runtime jar built for the Jetson (CUDA/TensorRT), if one was put into docker/jetson/, replaces
# Maven Central's CPU-only com.microsoft.onnxruntime:onnxruntime (not DJL's onnxruntime-engine jar).
COPY docker/jetson/ /jetson/
RUN set -e; for jar in /jetson/onnxruntime*.jar; do \
      [ -e "$jar" ] || continue; \
      rm -f /out/lib/onnxruntime-[0-9]*.jar /out/lib/onnxruntime_gpu-[0-9]*.jar; \
      cp "$jar" /out/lib/; echo "using $jar instead of the CPU-only ONNX Runtime"; \
    done

# Temurin's JRE runs on L4T's Ubuntu (glibc 2.27 on r32); the L4T image has no Java 17 package of its own.
FROM eclipse-temurin:17-jre AS jre

FROM ${L4T_BASE}
ENV JAVA_HOME=/opt/java/openjdk
ENV PATH=${JAVA_HOME}/bin:${PATH}
COPY --from=jre /opt/java/openjdk ${JAVA_HOME}
# Same users and group as docker/inference.Dockerfile: group 10000 reads the capture module's 0660 ring.
RUN groupadd --gid 10000 edgelens \
 && useradd --uid 10002 --gid 10000 --create-home --home-dir /home/inference --shell /usr/sbin/nologin inference \
 && mkdir -p /var/lib/edgelens && chown 10002:10000 /var/lib/edgelens
COPY --from=build /out/ /app/
COPY models/ /app/models/
COPY --chmod=0755 docker/healthcheck.sh /usr/local/bin/edgelens-healthcheck
ENV OPT_OUT_TRACKING=true \
    DJL_OFFLINE=true \
    EDGELENS_MODELS_DIR=/app/models \
    EDGELENS_EVENT_FILE=/var/lib/edgelens/events/events.jsonl \
    EDGELENS_IOTHUB_OUTBOX_DIR=/var/lib/edgelens/outbox \
    MALLOC_ARENA_MAX=2
USER 10002:10000
WORKDIR /app
HEALTHCHECK --interval=30s --timeout=10s --start-period=180s --retries=3 \
    CMD ["/usr/local/bin/edgelens-healthcheck", "inference"]
ENTRYPOINT ["java", "-cp", "/app/*:/app/lib/*", "dev.edgelens.inference.InferenceMain"]
