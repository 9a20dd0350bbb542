package dev.edgelens.tools.camerahealth;

/**
 * Turns a BGR24 frame into the model's input: stretched (no crop) to SIZE x SIZE, RGB planes,
 * values 0..1. This stands in for the inference module's generic preprocessing, which derives the
 * same thing from the model's input shape and sidecar; two resize kernels are offered so the tests
 * show that the thresholds do not depend on which one the pipeline uses.
 */
enum ModelInput {
    /** Bilinear interpolation with half-pixel centres (what most resizers do, no anti-aliasing). */
    BILINEAR,
    /** Mean of the source pixels each output pixel covers (area / box downscaling). */
    AREA;

    float[] toTensor(BgrImage img) {
        int size = CameraHealthModel.SIZE;
        float[] out = new float[3 * size * size];
        double sx = (double) img.width() / size;
        double sy = (double) img.height() / size;
        for (int oy = 0; oy < size; oy++) {
            for (int ox = 0; ox < size; ox++) {
                for (int ch = 0; ch < 3; ch++) {
                    double v = this == BILINEAR ? bilinear(img, ox, oy, sx, sy, ch) : area(img, ox, oy, sx, sy, ch);
                    // BGR in, RGB planes out: plane 0 = R = BGR channel 2.
                    out[(2 - ch) * size * size + oy * size + ox] = (float) (v / 255.0);
                }
            }
        }
        return out;
    }

    private static double bilinear(BgrImage img, int ox, int oy, double sx, double sy, int ch) {
        double fx = Math.max(0, (ox + 0.5) * sx - 0.5);
        double fy = Math.max(0, (oy + 0.5) * sy - 0.5);
        int x0 = Math.min((int) fx, img.width() - 1);
        int y0 = Math.min((int) fy, img.height() - 1);
        int x1 = Math.min(x0 + 1, img.width() - 1);
        int y1 = Math.min(y0 + 1, img.height() - 1);
        double ax = fx - x0;
        double ay = fy - y0;
        double top = px(img, x0, y0, ch) * (1 - ax) + px(img, x1, y0, ch) * ax;
        double bottom = px(img, x0, y1, ch) * (1 - ax) + px(img, x1, y1, ch) * ax;
        return top * (1 - ay) + bottom * ay;
    }

    private static double area(BgrImage img, int ox, int oy, double sx, double sy, int ch) {
        int xa = (int) Math.floor(ox * sx);
        int xb = Math.max(xa + 1, Math.min(img.width(), (int) Math.ceil((ox + 1) * sx)));
        int ya = (int) Math.floor(oy * sy);
        int yb = Math.max(ya + 1, Math.min(img.height(), (int) Math.ceil((oy + 1) * sy)));
        double sum = 0;
        for (int y = ya; y < yb; y++) {
            for (int x = xa; x < xb; x++) {
                sum += px(img, Math.min(x, img.width() - 1), Math.min(y, img.height() - 1), ch);
            }
        }
        return sum / ((xb - xa) * (yb - ya));
    }

    private static int px(BgrImage img, int x, int y, int ch) {
        return img.at((y * img.width() + x) * 3 + ch);
    }
}
