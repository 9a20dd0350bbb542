package dev.edgelens.tools.camerahealth;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/** An ONNX Runtime session on a camera-health model (the shipped bytes or the diagnostic variant). */
final class HealthSession implements AutoCloseable {
    record Result(float[] scores, float[] features) {
        String label() {
            int best = 0;
            for (int i = 1; i < scores.length; i++) {
                if (scores[i] > scores[best]) {
                    best = i;
                }
            }
            return CameraHealthModel.LABELS.get(best);
        }

        float top() {
            float max = 0;
            for (float s : scores) {
                max = Math.max(max, s);
            }
            return max;
        }
    }

    private static final long[] SHAPE = {1, 3, CameraHealthModel.SIZE, CameraHealthModel.SIZE};
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    HealthSession(byte[] model) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            session = env.createSession(model, options);
        }
    }

    OrtSession session() {
        return session;
    }

    Result run(float[] input) throws OrtException {
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), SHAPE);
                OrtSession.Result out = session.run(Map.of("image", tensor))) {
            float[] scores = ((float[][]) out.get(0).getValue())[0];
            float[] features = out.size() > 1 ? ((float[][]) out.get(1).getValue())[0] : null;
            return new Result(scores, features);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
