package dev.edgelens.inference.model;

/**
 * Post-processing in plain Java: optional softmax over the raw outputs and selection of the k best
 * classes, into arrays reused from result to result (nothing allocated per frame).
 */
public final class TopK {

    private final int k;
    private final int[] index;
    private final float[] score;
    private float[] probs = new float[0];

    public TopK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top-k must be at least 1, got " + k);
        }
        this.k = k;
        this.index = new int[k];
        this.score = new float[k];
    }

    /**
     * Scores {@code raw[0..n)} and keeps the best {@code min(k, n)}.
     *
     * @param softmax true: apply softmax; false: use as is; null: softmax unless the values already
     *                look like probabilities (all in [0,1], sum 1 within 1e-3)
     * @return how many entries are valid
     */
    public int select(float[] raw, int n, Boolean softmax) {
        if (probs.length < n) {
            probs = new float[n];
        }
        boolean apply = softmax != null ? softmax : !looksLikeProbabilities(raw, n);
        if (apply) {
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, raw[i]);
            }
            double sum = 0;
            for (int i = 0; i < n; i++) {
                float e = (float) Math.exp(raw[i] - max);
                probs[i] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int i = 0; i < n; i++) {
                probs[i] *= inv;
            }
        } else {
            System.arraycopy(raw, 0, probs, 0, n);
        }
        int count = Math.min(k, n);
        for (int j = 0; j < count; j++) {
            score[j] = Float.NEGATIVE_INFINITY;
            index[j] = -1;
        }
        // Insertion into a small sorted array: k is tiny (1..10), n up to a few thousand.
        for (int i = 0; i < n; i++) {
            float s = probs[i];
            if (s <= score[count - 1] && index[count - 1] >= 0) {
                continue;
            }
            int j = count - 1;
            while (j > 0 && (index[j - 1] < 0 || s > score[j - 1])) {
                score[j] = score[j - 1];
                index[j] = index[j - 1];
                j--;
            }
            score[j] = s;
            index[j] = i;
        }
        return count;
    }

    private static boolean looksLikeProbabilities(float[] raw, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float v = raw[i];
            if (!(v >= 0f && v <= 1f)) {
                return false;
            }
            sum += v;
        }
        return Math.abs(sum - 1.0) < 1e-3;
    }

    /** Class index of the j-th best entry of the last {@link #select}. */
    public int index(int j) {
        return index[j];
    }

    /** Score of the j-th best entry of the last {@link #select}. */
    public float score(int j) {
        return score[j];
    }

    public int k() {
        return k;
    }
}
