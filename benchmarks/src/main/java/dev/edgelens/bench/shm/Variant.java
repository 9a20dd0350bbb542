package dev.edgelens.bench.shm;

/**
 * The transports compared. Every variant moves raw BGR frames from a writer process to a reader process through
 * shared memory; they differ in who copies what (see docs/benchmarks.md, "Frame ring vs GStreamer shm").
 */
enum Variant {
    /** Writer JVM copies a prepared frame into the ring; reader JVM: zero-copy view + touch + validity check. */
    RING_VIEW("ringView", true, "ring: 1 copy in (prepared frame -> slot); reader: zero-copy view, touches 3 bytes"),
    /** As {@link #RING_VIEW}, but the reader copies every frame out in order ({@code readNext}). */
    RING_COPY_OUT("ringCopyOut", true, "ring: 1 copy in; reader: readNext copies each frame out (2nd copy)"),
    /**
     * {@code imagefreeze} repeats one prepared frame (system memory) and {@code identity drop-allocation=true}
     * keeps shmsink's allocator away from upstream, so shmsink copies each frame in once: the ring's work.
     */
    GST_COPY_IN("gstShmCopyIn", false,
            "videotestsrc num-buffers=1 ! imagefreeze ! identity drop-allocation=true ! shmsink: 1 copy in"),
    /** GStreamer's default: videotestsrc copies its cached black frame straight into shmsink's memory. */
    GST_DEFAULT("gstShmDefault", false, "videotestsrc pattern=black ! shmsink: source fills shm directly (1 copy)"),
    /** The literal pipeline: videotestsrc fills a system-memory buffer, shmsink copies it in: 2 copies. */
    GST_COPY_IN_DRAWN("gstShmCopyInDrawn", false,
            "videotestsrc pattern=black ! identity drop-allocation=true ! shmsink: 2 copies");

    final String benchmark;
    final boolean ring;
    final String description;

    Variant(String benchmark, boolean ring, String description) {
        this.benchmark = benchmark;
        this.ring = ring;
        this.description = description;
    }

    /** The gst-launch-1.0 writer pipeline (elements separated by " ! "); only for GStreamer variants. */
    String gstWriterPipeline(String caps, String socket, long shmSize) {
        String sink = "shmsink socket-path=" + socket + " shm-size=" + shmSize + " wait-for-connection=true sync=false";
        return switch (this) {
            case GST_COPY_IN -> "videotestsrc pattern=black num-buffers=1 ! " + caps
                    + " ! imagefreeze ! identity drop-allocation=true ! " + sink;
            case GST_DEFAULT -> "videotestsrc pattern=black ! " + caps + " ! " + sink;
            case GST_COPY_IN_DRAWN -> "videotestsrc pattern=black ! " + caps
                    + " ! identity drop-allocation=true ! " + sink;
            default -> throw new IllegalStateException(this + " is not a GStreamer variant");
        };
    }

    static Variant byBenchmark(String name) {
        for (Variant v : values()) {
            if (v.benchmark.equals(name)) {
                return v;
            }
        }
        StringBuilder names = new StringBuilder();
        for (Variant v : values()) {
            names.append(names.length() == 0 ? "" : ", ").append(v.benchmark);
        }
        throw new IllegalArgumentException("unknown variant '" + name + "'; expected one of " + names);
    }
}
