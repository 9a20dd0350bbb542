package dev.edgelens.ring;

import static dev.edgelens.ring.RingLayout.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class RingLayoutTest {

    @Test
    void magicSpellsEdglringInFileOrder() {
        byte[] bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(MAGIC).array();
        assertEquals("EDGLRING", new String(bytes, StandardCharsets.US_ASCII));
    }

    @Test
    void headerFieldsDoNotOverlapAndLiveGroupsHaveTheirOwnCacheLines() {
        int[][] fields = {
                {MAGIC_OFFSET, 8}, {VERSION_OFFSET, 4}, {HEADER_LENGTH_OFFSET, 4}, {SLOT_COUNT_OFFSET, 4},
                {SLOT_CAPACITY_OFFSET, 4}, {SLOT_LENGTH_OFFSET, 4}, {HEARTBEAT_INTERVAL_MS_OFFSET, 4},
                {FILE_LENGTH_OFFSET, 8}, {EPOCH_OFFSET, 8}, {WRITER_PID_OFFSET, 8}, {CURSOR_OFFSET, 8},
                {HEARTBEAT_NANOS_OFFSET, 8}, {WRITER_STATE_OFFSET, 4}, {SOURCE_LOCK_OFFSET, 8},
                {SOURCE_STATE_OFFSET, 4}, {SOURCE_DETAIL_LENGTH_OFFSET, 4}, {SOURCE_SINCE_MILLIS_OFFSET, 8},
                {SOURCE_DETAIL_OFFSET, SOURCE_DETAIL_MAX_BYTES}};
        assertNoOverlap(fields, HEADER_LENGTH);
        assertEquals(0, CURSOR_OFFSET % CACHE_LINE);
        assertEquals(0, HEARTBEAT_NANOS_OFFSET % CACHE_LINE);
        assertEquals(0, SOURCE_LOCK_OFFSET % CACHE_LINE);
        assertTrue(CURSOR_OFFSET / CACHE_LINE != HEARTBEAT_NANOS_OFFSET / CACHE_LINE);
    }

    @Test
    void slotFieldsDoNotOverlapAndPixelsAreCacheAligned() {
        int[][] fields = {
                {SLOT_LOCK_OFFSET, 8}, {SLOT_CAPTURE_EPOCH_MICROS_OFFSET, 8}, {SLOT_CAPTURE_MONO_NANOS_OFFSET, 8},
                {SLOT_PUBLISH_MONO_NANOS_OFFSET, 8}, {SLOT_STREAM_TIMESTAMP_MICROS_OFFSET, 8}, {SLOT_WIDTH_OFFSET, 4},
                {SLOT_HEIGHT_OFFSET, 4}, {SLOT_STRIDE_OFFSET, 4}, {SLOT_PIXEL_FORMAT_OFFSET, 4},
                {SLOT_LENGTH_BYTES_OFFSET, 4}, {SLOT_SOURCE_ID_LENGTH_OFFSET, 4},
                {SLOT_SOURCE_ID_OFFSET, SOURCE_ID_MAX_BYTES}};
        assertNoOverlap(fields, SLOT_HEADER_LENGTH);
        assertEquals(0, SLOT_HEADER_LENGTH % CACHE_LINE);
    }

    @Test
    void geometryIsPageAlignedAndSequencesMapToSlotsInOrder() {
        int capacity = 1920 * 1080 * 3;
        int slotLength = slotLength(capacity);
        assertEquals(0, slotLength % PAGE_SIZE);
        assertTrue(slotLength >= SLOT_HEADER_LENGTH + capacity);
        assertEquals(HEADER_LENGTH + 16L * slotLength, fileLength(16, capacity));
        assertEquals(HEADER_LENGTH + 3 * slotLength, slotOffset(3, slotLength));
        assertEquals(0, slotIndex(1, 4));
        assertEquals(3, slotIndex(4, 4));
        assertEquals(0, slotIndex(5, 4));
        assertEquals(9, writingLock(5));
        assertEquals(10, completeLock(5));
    }

    private static void assertNoOverlap(int[][] fields, int limit) {
        for (int i = 0; i < fields.length; i++) {
            int start = fields[i][0];
            int end = start + fields[i][1];
            assertTrue(end <= limit, "field at " + start + " runs past " + limit);
            assertEquals(0, start % Math.min(fields[i][1], 8), "field at " + start + " is not naturally aligned");
            for (int j = i + 1; j < fields.length; j++) {
                int s2 = fields[j][0];
                int e2 = s2 + fields[j][1];
                assertTrue(end <= s2 || e2 <= start, "fields at " + start + " and " + s2 + " overlap");
            }
        }
    }
}
