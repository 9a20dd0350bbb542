package dev.edgelens.inference.model;

/**
 * Keeps DJL from calling home. DJL 0.38 contacts 169.254.169.254 and an S3 telemetry endpoint
 * when an engine starts, unless {@code OPT_OUT_TRACKING=true} or offline mode
 * ({@code DJL_OFFLINE=true} or the system property {@code ai.djl.offline=true}) is set. This sets
 * both system properties before DJL is first used; an environment explicitly turning both off is
 * refused rather than silently obeyed.
 */
public final class DjlSetup {

    private DjlSetup() {
    }

    public static synchronized void ensureOffline() {
        // DJL reads the environment first, then the system property.
        if ("false".equalsIgnoreCase(System.getenv("OPT_OUT_TRACKING"))
                && "false".equalsIgnoreCase(System.getenv("DJL_OFFLINE"))) {
            throw new IllegalStateException("OPT_OUT_TRACKING=false and DJL_OFFLINE=false would let DJL contact"
                    + " outside hosts; unset them or set OPT_OUT_TRACKING=true");
        }
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.offline", "true");
        // No PyTorch/MXNet "hybrid engine": all pre/post-processing is plain Java.
        System.setProperty("ai.djl.onnx.disable_alternative", "true");
    }
}
