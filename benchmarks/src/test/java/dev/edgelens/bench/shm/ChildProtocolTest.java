package dev.edgelens.bench.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ChildProtocolTest {
    @Test
    void readsRenderedAndDroppedFromFpsDisplaySinkNotifications() {
        // Verbatim from gst-launch-1.0 -v (GStreamer 1.22) with fpsdisplaysink.
        String line = "/GstPipeline:pipeline0/GstFPSDisplaySink:fpsdisplaysink0: last-message = rendered: 925,"
                + " dropped: 3, current: 580.42, average: 611.32";
        ChildProtocol.Sample s = ChildProtocol.parse(ChildProtocol.FPS_DISPLAY_SINK, line, 42);
        assertEquals(new ChildProtocol.Sample(42, 925, 3), s);

        String caps = "/GstPipeline:pipeline0/GstCapsFilter:capsfilter0.GstPad:src: caps = video/x-raw,"
                + " format=(string)BGR, width=(int)1920, height=(int)1080, framerate=(fraction)0/1";
        assertNull(ChildProtocol.parse(ChildProtocol.FPS_DISPLAY_SINK, caps, 1));
        assertNull(ChildProtocol.parse(ChildProtocol.FPS_DISPLAY_SINK, "Setting pipeline to PLAYING ...", 1));
    }

    @Test
    void ringProgressLinesRoundTrip() {
        assertEquals(new ChildProtocol.Sample(7, 1234, 56), ChildProtocol.parse(ChildProtocol.RING_READER,
                ChildProtocol.deliveredLine(1234, 56), 7));
        assertEquals(new ChildProtocol.Sample(7, 99, 0), ChildProtocol.parse(ChildProtocol.RING_WRITER,
                ChildProtocol.publishedLine(99), 7));
        assertNull(ChildProtocol.parse(ChildProtocol.RING_READER, ChildProtocol.publishedLine(99), 7));
    }

    @Test
    void rateCountsOnlyReportsInsideTheWindow() {
        List<ChildProtocol.Sample> samples = new ArrayList<>();
        // 100 frames/s and 2 missed/s from t = 1 s to 5 s; bursts outside the window must not count.
        samples.add(new ChildProtocol.Sample(0, 0, 0));
        for (int i = 1; i <= 5; i++) {
            samples.add(new ChildProtocol.Sample(i * 1_000_000_000L, 1000 + i * 100L, i * 2L));
        }
        samples.add(new ChildProtocol.Sample(6_000_000_000L, 1_000_000, 500));
        ChildProtocol.Rate r = ChildProtocol.rateWithin(samples, 900_000_000L, 5_500_000_000L, "reader");
        assertEquals(100.0, r.countPerSecond(), 1e-9);
        assertEquals(2.0, r.missedPerSecond(), 1e-9);
        assertEquals(4.0, r.seconds(), 1e-9);
    }

    @Test
    void aReaderThatFallsSilentCountsAsStalledAndTheStallLowersTheRate() {
        // fpsdisplaysink reports only when frames arrive: 100 frames/s, a report every 200 ms, until t = 3 s.
        List<ChildProtocol.Sample> samples = new ArrayList<>();
        for (long ms = 0; ms <= 3000; ms += 200) {
            samples.add(new ChildProtocol.Sample(ms * 1_000_000L, ms / 10, 0));
        }
        ChildProtocol.Rate r = ChildProtocol.rateWithin(samples, 1_000_000_000L, 11_000_000_000L, "gst reader");
        assertTrue(r.stalled());
        assertEquals(8.0, r.stallSeconds(), 1e-9);
        // 200 frames arrived in the 10 s window (from 100 at t = 1 s to 300 at t = 3 s).
        assertEquals(20.0, r.countPerSecond(), 1e-9);
        assertEquals(10.0, r.seconds(), 1e-9);

        ChildProtocol.Rate flowing = ChildProtocol.rateWithin(samples, 1_000_000_000L, 3_000_000_000L, "gst reader");
        assertFalse(flowing.stalled());
        assertEquals(0.2, flowing.stallSeconds(), 1e-9);
        assertEquals(100.0, flowing.countPerSecond(), 1e-9);
    }

    @Test
    void aFlatCountFromAReaderThatKeepsReportingIsAStallToo() {
        // The ring reader reports every 200 ms whether or not frames arrive.
        List<ChildProtocol.Sample> samples = new ArrayList<>();
        for (long ms = 0; ms <= 5000; ms += 200) {
            samples.add(new ChildProtocol.Sample(ms * 1_000_000L, Math.min(ms, 2000) / 10, 0));
        }
        ChildProtocol.Rate r = ChildProtocol.rateWithin(samples, 0, 5_000_000_000L, "ring reader");
        assertTrue(r.stalled());
        assertEquals(3.0, r.stallSeconds(), 1e-9);
        assertEquals(40.0, r.countPerSecond(), 1e-9);
    }

    @Test
    void aReaderThatNeverReportedIsAnErrorNamingIt() {
        List<ChildProtocol.Sample> late = List.of(new ChildProtocol.Sample(5_000_000_000L, 10, 0));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ChildProtocol.rateWithin(late, 1_000_000_000L, 3_000_000_000L, "gst shmsrc reader"));
        assertTrue(e.getMessage().startsWith("gst shmsrc reader: no progress report before the end"),
                e.getMessage());
    }
}
