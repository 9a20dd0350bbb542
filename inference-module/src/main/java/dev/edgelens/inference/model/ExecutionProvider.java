package dev.edgelens.inference.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where ONNX Runtime runs the model. {@code auto} tries TensorRT, then CUDA, then the CPU, and logs
 * once what it got. The pinned {@code com.microsoft.onnxruntime:onnxruntime} jar is the CPU build:
 * GPU providers need the {@code onnxruntime_gpu} jar (and CUDA/TensorRT libraries) instead.
 */
public enum ExecutionProvider {
    AUTO, CPU, CUDA, TENSORRT;

    private static final Logger LOG = LoggerFactory.getLogger(ExecutionProvider.class);
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    /** The option value, e.g. {@code tensorrt}. */
    public String optionName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Session options with this provider and {@code threads} intra-op threads (0 = ONNX Runtime's
     * default). An explicitly requested GPU provider that is not available is an error.
     *
     * @return the options and the provider actually used
     */
    public Result sessionOptions(int threads, int deviceId) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
                options.setInterOpNumThreads(1);
            }
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            EnumSet<OrtProvider> available = OrtEnvironment.getAvailableProviders();
            ExecutionProvider used = switch (this) {
                case CPU -> CPU;
                case CUDA -> {
                    require(available, OrtProvider.CUDA);
                    options.addCUDA(deviceId);
                    yield CUDA;
                }
                case TENSORRT -> {
                    require(available, OrtProvider.TENSOR_RT);
                    options.addTensorrt(deviceId);
                    yield TENSORRT;
                }
                case AUTO -> auto(options, available, deviceId);
            };
            return new Result(options, used);
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    private static ExecutionProvider auto(OrtSession.SessionOptions options, EnumSet<OrtProvider> available,
                                          int deviceId) {
        StringBuilder tried = new StringBuilder();
        if (available.contains(OrtProvider.TENSOR_RT)) {
            try {
                options.addTensorrt(deviceId);
                logOnce("execution provider auto: using TensorRT (device {}){}", deviceId, "");
                return TENSORRT;
            } catch (OrtException e) {
                tried.append("TensorRT failed: ").append(e.getMessage()).append("; ");
            }
        } else {
            tried.append("TensorRT not in this ONNX Runtime build; ");
        }
        if (available.contains(OrtProvider.CUDA)) {
            try {
                options.addCUDA(deviceId);
                logOnce("execution provider auto: using CUDA (device {}); {}", deviceId, tried);
                return CUDA;
            } catch (OrtException e) {
                tried.append("CUDA failed: ").append(e.getMessage()).append("; ");
            }
        } else {
            tried.append("CUDA not in this ONNX Runtime build");
        }
        logOnce("execution provider auto: using CPU ({})", tried, null);
        return CPU;
    }

    private static void logOnce(String msg, Object a, Object b) {
        if (LOGGED.compareAndSet(false, true)) {
            LOG.info(msg, a, b);
        }
    }

    private static void require(EnumSet<OrtProvider> available, OrtProvider p) throws OrtException {
        if (!available.contains(p)) {
            throw new OrtException("execution provider " + p + " is not available in this ONNX Runtime build"
                    + " (available: " + available + "); use the onnxruntime_gpu jar with CUDA/TensorRT installed,"
                    + " or --execution-provider=cpu|auto");
        }
    }

    /** Session options plus the provider that was actually configured. */
    public record Result(OrtSession.SessionOptions options, ExecutionProvider used) {
    }
}
