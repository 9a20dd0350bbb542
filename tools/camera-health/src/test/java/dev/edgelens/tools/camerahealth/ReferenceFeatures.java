package dev.edgelens.tools.camerahealth;

/**
 * The documented features computed in plain Java (double precision) from a model input tensor,
 * to check that the graph computes what docs/models.md says it does.
 */
final class ReferenceFeatures {
    private ReferenceFeatures() {
    }

    /** brightness, contrast, sharpness, clipped: the order of {@link CameraHealthModel#FEATURES}. */
    static double[] of(float[] rgbPlanes) {
        int n = CameraHealthModel.SIZE;
        double[] y = new double[n * n];
        for (int i = 0; i < y.length; i++) {
            y[i] = 0.299 * rgbPlanes[i] + 0.587 * rgbPlanes[n * n + i] + 0.114 * rgbPlanes[2 * n * n + i];
        }
        double sum = 0;
        int clipped = 0;
        for (double v : y) {
            sum += v;
            clipped += v > CameraHealthModel.CLIPPED_LEVEL ? 1 : 0;
        }
        double mean = sum / y.length;
        double var = 0;
        for (double v : y) {
            var += (v - mean) * (v - mean);
        }
        double[] half = new double[(n / 2) * (n / 2)];
        for (int r = 0; r < n / 2; r++) {
            for (int c = 0; c < n / 2; c++) {
                half[r * (n / 2) + c] = (y[2 * r * n + 2 * c] + y[2 * r * n + 2 * c + 1]
                        + y[(2 * r + 1) * n + 2 * c] + y[(2 * r + 1) * n + 2 * c + 1]) / 4;
            }
        }
        double sharpness = Math.sqrt(laplacianEnergy(y, n) / laplacianEnergy(half, n / 2));
        return new double[] {mean, Math.sqrt(var / y.length), sharpness, (double) clipped / y.length};
    }

    /** Mean squared 4-neighbour Laplacian over the interior (a 'valid' convolution). */
    private static double laplacianEnergy(double[] img, int n) {
        double sum = 0;
        for (int r = 1; r < n - 1; r++) {
            for (int c = 1; c < n - 1; c++) {
                double l = img[(r - 1) * n + c] + img[(r + 1) * n + c] + img[r * n + c - 1] + img[r * n + c + 1]
                        - 4 * img[r * n + c];
                sum += l * l;
            }
        }
        return sum / ((double) (n - 2) * (n - 2));
    }
}
