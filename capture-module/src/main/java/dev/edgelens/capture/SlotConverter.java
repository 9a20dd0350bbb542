package dev.edgelens.capture;

import dev.edgelens.ring.FrameClaim;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Converts (and scales) a decoded FFmpeg picture with swscale straight into a claimed ring slot: the slot is
 * swscale's destination, so there is no intermediate buffer and no copy. The swscale context is rebuilt only
 * when the source or target geometry or format changes, and the native argument arrays are reused, so a frame
 * allocates nothing. Not thread-safe: one caller at a time.
 *
 * <p>Semi-planar 4:2:0 pictures (NV12, NV21: what hardware decoders such as NVDEC hand back) are first
 * de-interleaved into planar YUV 4:2:0 in a buffer kept for the purpose, because swscale has no fast path from
 * them to packed RGB: measured with this FFmpeg build, 1080p NV12 to BGR24 took 5-8 ms of CPU per frame
 * directly and 2.6 ms in two steps, about what planar YUV takes on its own (docs/benchmarks.md).
 */
final class SlotConverter implements AutoCloseable {
    /** The scaler JavaCV's grabber used before, so frames look the same as they did. */
    private static final int FLAGS = swscale.SWS_BILINEAR;

    private final LongPointer dstAddresses = new LongPointer(4);
    private final PointerPointer<?> dstData = new PointerPointer<>(dstAddresses);
    private final IntPointer dstStrides = new IntPointer(4);
    private SwsContext context;
    private int srcWidth;
    private int srcHeight;
    private int srcFormat = avutil.AV_PIX_FMT_NONE;
    private int dstWidth;
    private int dstHeight;
    private int dstFormat = avutil.AV_PIX_FMT_NONE;
    private AVFrame lastSource;
    private PointerPointer<?> srcData;
    private IntPointer srcStrides;
    /** The planar copy of a semi-planar picture, and the context that fills it. */
    private AVFrame planar;
    private SwsContext planarContext;
    private int planarFrom = avutil.AV_PIX_FMT_NONE;
    private AVFrame planarSource;
    private PointerPointer<?> planarSrcData;
    private IntPointer planarSrcStrides;
    private PointerPointer<?> planarData;
    private IntPointer planarStrides;

    SlotConverter() {
        for (int i = 0; i < 4; i++) {
            dstAddresses.put(i, 0L);
            dstStrides.put(i, 0);
        }
    }

    /**
     * Writes {@code src} converted to the claim's size and pixel format into the claimed slot.
     *
     * @throws IllegalStateException naming the formats if swscale cannot convert between them
     */
    void convert(AVFrame picture, FrameClaim dst) {
        AVFrame src = isSemiPlanar(picture.format()) ? toPlanar(picture) : picture;
        int sw = src.width();
        int sh = src.height();
        int sf = src.format();
        int dw = dst.width();
        int dh = dst.height();
        int df = Grabbers.avPixelFormat(dst.format());
        if (context == null || sw != srcWidth || sh != srcHeight || sf != srcFormat || dw != dstWidth
                || dh != dstHeight || df != dstFormat) {
            SwsContext next = swscale.sws_getCachedContext(context, sw, sh, sf, dw, dh, df, FLAGS, null, null,
                    (DoublePointer) null);
            if (next == null || next.isNull()) {
                context = null; // sws_getCachedContext freed the old one
                throw new IllegalStateException("swscale cannot convert " + sw + "x" + sh + " " + formatName(sf)
                        + " to " + dw + "x" + dh + " " + formatName(df));
            }
            context = next;
            srcWidth = sw;
            srcHeight = sh;
            srcFormat = sf;
            dstWidth = dw;
            dstHeight = dh;
            dstFormat = df;
        }
        if (src != lastSource) { // the grabber's picture lives as long as its session: wrap it once
            srcData = src.data();
            srcStrides = src.linesize();
            lastSource = src;
        }
        dstAddresses.put(0, dst.address());
        dstStrides.put(0, dst.stride());
        int rows = swscale.sws_scale(context, srcData, srcStrides, 0, sh, dstData, dstStrides);
        if (rows != dh) {
            throw new IllegalStateException("swscale wrote " + rows + " of " + dh + " rows converting " + sw + "x"
                    + sh + " " + formatName(sf));
        }
    }

    private static boolean isSemiPlanar(int format) {
        return format == avutil.AV_PIX_FMT_NV12 || format == avutil.AV_PIX_FMT_NV21;
    }

    /** De-interleaves {@code src}'s chroma into the planar buffer (same size, no scaling) and returns it. */
    private AVFrame toPlanar(AVFrame src) {
        int w = src.width();
        int h = src.height();
        int f = src.format();
        if (planar == null || planar.width() != w || planar.height() != h || planarFrom != f) {
            if (planar != null) {
                avutil.av_frame_free(planar);
            }
            planar = avutil.av_frame_alloc();
            planar.format(avutil.AV_PIX_FMT_YUV420P).width(w).height(h);
            if (avutil.av_frame_get_buffer(planar, 0) < 0) {
                throw new IllegalStateException("cannot allocate a " + w + "x" + h + " planar YUV buffer");
            }
            SwsContext next = swscale.sws_getCachedContext(planarContext, w, h, f, w, h, avutil.AV_PIX_FMT_YUV420P,
                    FLAGS, null, null, (DoublePointer) null);
            if (next == null || next.isNull()) {
                planarContext = null;
                throw new IllegalStateException("swscale cannot convert " + w + "x" + h + " " + formatName(f)
                        + " to planar YUV 4:2:0");
            }
            planarContext = next;
            planarFrom = f;
            planarSource = null;
            planarData = planar.data(); // wrapped once: JavaCPP getters allocate
            planarStrides = planar.linesize();
        }
        if (src != planarSource) {
            planarSrcData = src.data();
            planarSrcStrides = src.linesize();
            planarSource = src;
        }
        swscale.sws_scale(planarContext, planarSrcData, planarSrcStrides, 0, h, planarData, planarStrides);
        return planar;
    }

    private static String formatName(int f) {
        BytePointer name = avutil.av_get_pix_fmt_name(f);
        return name == null || name.isNull() ? "pixel format " + f : name.getString();
    }

    @Override
    public void close() {
        if (context != null) {
            swscale.sws_freeContext(context);
            context = null;
        }
        lastSource = null;
        if (planarContext != null) {
            swscale.sws_freeContext(planarContext);
            planarContext = null;
        }
        if (planar != null) {
            avutil.av_frame_free(planar);
            planar = null;
        }
        planarSource = null;
        dstAddresses.close();
        dstStrides.close();
    }
}
