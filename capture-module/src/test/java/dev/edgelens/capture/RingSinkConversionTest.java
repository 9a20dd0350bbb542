package dev.edgelens.capture;

import dev.edgelens.ring.Frame;
import dev.edgelens.ring.FrameRingReader;
import dev.edgelens.ring.PixelFormat;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sink's swscale conversion of a decoded picture straight into a ring slot, on a real YUV 4:2:0 AVFrame
 * (what H.264 decoders output) of one known colour: pixel order, scaling, ownership, and no Java allocation
 * per frame.
 */
class RingSinkConversionTest {
    /** Pure red in BT.601 limited-range YUV, swscale's assumption for untagged frames. */
    private static final int Y = 81;
    private static final int U = 90;
    private static final int V = 240;

    @TempDir
    Path dir;

    @Test
    void redPictureArrivesAsRedInBgrAndRgb() throws Exception {
        AVFrame picture = yuvPicture(64, 48);
        try {
            assertColour(picture, PixelFormat.BGR24, 0, 0, new int[] {0, 0, 255});
            assertColour(picture, PixelFormat.RGB24, 0, 0, new int[] {255, 0, 0});
            assertColour(picture, PixelFormat.RGB24, 32, 16, new int[] {255, 0, 0}); // scaled down
        } finally {
            avutil.av_frame_free(picture);
        }
    }

    @Test
    void semiPlanarPicturesFromHardwareDecodersConvertTheSame() throws Exception {
        AVFrame picture = nv12Picture(64, 48);
        try {
            assertColour(picture, PixelFormat.BGR24, 0, 0, new int[] {0, 0, 255});
            assertColour(picture, PixelFormat.RGB24, 32, 16, new int[] {255, 0, 0});
        } finally {
            avutil.av_frame_free(picture);
        }
    }

    @Test
    void onlyTheOwningSessionPublishesAndAFrameAllocatesNothing() throws Exception {
        allocatesNothing(yuvPicture(320, 240));
        allocatesNothing(nv12Picture(320, 240));
    }

    private void allocatesNothing(AVFrame picture) throws Exception {
        Object session = new Object();
        try (RingSink sink = new RingSink(dir.resolve("alloc-" + picture.format() + ".ring"), 4, "t",
                PixelFormat.BGR24, 0, 0)) {
            sink.claim(session);
            assertFalse(sink.publish(new Object(), picture, 0, 0, 0), "a session that does not own the sink");
            for (int i = 0; i < 200; i++) { // warm-up: JIT, the swscale context, the ring at its real size
                assertTrue(sink.publish(session, picture, i, 0, System.nanoTime()));
            }
            var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long id = Thread.currentThread().getId();
            long before = mx.getThreadAllocatedBytes(id);
            for (int i = 0; i < 1000; i++) {
                sink.publish(session, picture, i, 0, System.nanoTime());
            }
            long perFrame = (mx.getThreadAllocatedBytes(id) - before) / 1000;
            assertEquals(0, perFrame, "Java heap bytes allocated per published frame");
            assertEquals(1200, sink.framesPublished());
            sink.close();
            assertFalse(sink.publish(session, picture, 0, 0, 0), "publishing after close");
        } finally {
            avutil.av_frame_free(picture);
        }
    }

    private void assertColour(AVFrame picture, PixelFormat format, int w, int h, int[] expected) throws Exception {
        Path ring = dir.resolve(format + "-" + w + ".ring");
        Object session = new Object();
        try (RingSink sink = new RingSink(ring, 2, "t", format, w, h);
             FrameRingReader reader = FrameRingReader.open(ring, Duration.ofSeconds(5))) {
            sink.claim(session);
            assertTrue(sink.publish(session, picture, 1234, 5, 6));
            Frame f = new Frame();
            assertTrue(reader.readLatest(f), "a frame in the ring");
            int ew = w > 0 ? w : picture.width();
            int eh = h > 0 ? h : picture.height();
            assertEquals(ew, f.width());
            assertEquals(eh, f.height());
            assertEquals(format, f.format());
            assertEquals(1234, f.streamTimestampMicros());
            byte[] px = f.pixels();
            for (int p : new int[] {0, (eh / 2 * ew + ew / 2) * 3, (ew * eh - 1) * 3}) {
                for (int c = 0; c < 3; c++) {
                    int got = px[p + c] & 0xff;
                    assertTrue(Math.abs(got - expected[c]) <= 8, format + " pixel byte " + (p + c) + ": " + got
                            + ", expected about " + expected[c]);
                }
            }
        }
    }

    /** A decoder-like YUV420P picture of one colour. */
    private static AVFrame yuvPicture(int w, int h) {
        AVFrame f = avutil.av_frame_alloc();
        f.format(avutil.AV_PIX_FMT_YUV420P).width(w).height(h);
        assertEquals(0, avutil.av_frame_get_buffer(f, 0));
        fill(f, 0, w, h, Y);
        fill(f, 1, w / 2, h / 2, U);
        fill(f, 2, w / 2, h / 2, V);
        return f;
    }

    /** The same colour as NV12: a Y plane and one plane of interleaved U, V (what NVDEC hands back). */
    private static AVFrame nv12Picture(int w, int h) {
        AVFrame f = avutil.av_frame_alloc();
        f.format(avutil.AV_PIX_FMT_NV12).width(w).height(h);
        assertEquals(0, avutil.av_frame_get_buffer(f, 0));
        fill(f, 0, w, h, Y);
        int stride = f.linesize(1);
        var uv = f.data(1);
        for (int r = 0; r < h / 2; r++) {
            for (int c = 0; c < w / 2; c++) {
                uv.put((long) r * stride + 2 * c, (byte) U);
                uv.put((long) r * stride + 2 * c + 1, (byte) V);
            }
        }
        return f;
    }

    private static void fill(AVFrame f, int plane, int w, int h, int value) {
        int stride = f.linesize(plane);
        var data = f.data(plane);
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                data.put((long) r * stride + c, (byte) value);
            }
        }
    }
}
