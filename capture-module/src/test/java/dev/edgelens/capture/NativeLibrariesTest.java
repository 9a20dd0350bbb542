package dev.edgelens.capture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The FFmpeg natives the preset ships (both platforms) link some system libraries they do not bundle; the capture
 * image must install them, or FFmpeg does not load at all (seen on a bare Ubuntu 24.04 machine). This reads the
 * ELF dynamic sections of every native in the jars and checks each outside library is either the C/C++ runtime
 * or installed by docker/capture.Dockerfile, so an FFmpeg upgrade that adds one fails here, not on a device.
 */
class NativeLibrariesTest {

    /** Always present with glibc and gcc's runtime. */
    private static final Set<String> RUNTIME = Set.of("libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0",
            "librt.so.1", "libgcc_s.so.1", "libstdc++.so.6", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1");

    /** Library -> the Ubuntu 24.04 package of the image that provides it. */
    private static final Map<String, String> PACKAGES = Map.of(
            "libxcb.so.1", "libxcb1",
            "libxcb-shm.so.0", "libxcb-shm0",
            "libasound.so.2", "libasound2t64",
            "libpulse.so.0", "libpulse0",
            "libudev.so.1", "libudev1",
            "libdrm.so.2", "libdrm2",
            "libva.so.2", "libva2",
            "libva-drm.so.2", "libva-drm2");

    @Test
    void everyLibraryTheFfmpegNativesNeedIsBundledPartOfTheRuntimeOrInstalledByTheCaptureImage() throws Exception {
        String dockerfile = Files.readString(Path.of("..", "docker", "capture.Dockerfile"));
        for (String platform : List.of("linux-x86_64", "linux-arm64")) {
            Map<String, Set<String>> needed = neededByFile(platform);
            assertTrue(needed.containsKey("libavdevice.so.62") || needed.keySet().stream()
                    .anyMatch(n -> n.startsWith("libavdevice")), platform + ": no libavdevice in " + needed.keySet());
            Set<String> outside = new TreeSet<>();
            needed.values().forEach(outside::addAll);
            outside.removeAll(needed.keySet());
            outside.removeAll(RUNTIME);
            for (String lib : outside) {
                String pkg = PACKAGES.get(lib);
                assertNotNull(pkg, platform + ": the FFmpeg natives need " + lib + ", which is not bundled; add its"
                        + " package to docker/capture.Dockerfile and to this test's table");
                assertTrue(dockerfile.contains(" " + pkg + " ") || dockerfile.contains(" " + pkg + "\n"),
                        "docker/capture.Dockerfile does not install " + pkg + " (" + lib + ")");
            }
            assertFalse(outside.isEmpty(), platform + ": expected libavdevice's X11/ALSA/PulseAudio libraries");
        }
    }

    /** File name -> DT_NEEDED entries, for every ELF file in the platform's FFmpeg jar folder. */
    private static Map<String, Set<String>> neededByFile(String platform) throws IOException {
        String dir = "org/bytedeco/ffmpeg/" + platform + "/";
        URL url = NativeLibrariesTest.class.getClassLoader().getResource(dir + "libavutil.so.60");
        assertNotNull(url, "no FFmpeg natives for " + platform + " on the class path");
        Map<String, Set<String>> out = new TreeMap<>();
        try (JarFile jar = ((JarURLConnection) url.openConnection()).getJarFile()) {
            for (JarEntry e : java.util.Collections.list(jar.entries())) {
                if (!e.getName().startsWith(dir) || e.isDirectory()) {
                    continue;
                }
                byte[] bytes;
                try (InputStream in = jar.getInputStream(e)) {
                    bytes = in.readAllBytes();
                }
                if (bytes.length > 4 && bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F') {
                    out.put(e.getName().substring(dir.length()), needed(bytes));
                }
            }
        }
        return out;
    }

    /** DT_NEEDED names of a 64-bit little-endian ELF file (x86-64 and AArch64 Linux). */
    static Set<String> needed(byte[] elf) {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = b.getLong(0x20);
        int phentsize = Short.toUnsignedInt(b.getShort(0x36));
        int phnum = Short.toUnsignedInt(b.getShort(0x38));
        List<long[]> loads = new ArrayList<>(); // {vaddr, offset, filesz}
        long dynOffset = -1;
        long dynSize = 0;
        for (int i = 0; i < phnum; i++) {
            int p = (int) (phoff + (long) i * phentsize);
            int type = b.getInt(p);
            if (type == 1) { // PT_LOAD
                loads.add(new long[] {b.getLong(p + 16), b.getLong(p + 8), b.getLong(p + 32)});
            } else if (type == 2) { // PT_DYNAMIC
                dynOffset = b.getLong(p + 8);
                dynSize = b.getLong(p + 32);
            }
        }
        Set<String> names = new TreeSet<>();
        if (dynOffset < 0) {
            return names; // statically linked
        }
        List<Long> neededOffsets = new ArrayList<>();
        long strtabVaddr = -1;
        for (long d = dynOffset; d + 16 <= dynOffset + dynSize; d += 16) {
            long tag = b.getLong((int) d);
            long val = b.getLong((int) d + 8);
            if (tag == 0) { // DT_NULL
                break;
            } else if (tag == 1) { // DT_NEEDED: offset into the string table
                neededOffsets.add(val);
            } else if (tag == 5) { // DT_STRTAB: its virtual address
                strtabVaddr = val;
            }
        }
        long strtab = -1;
        for (long[] load : loads) {
            if (strtabVaddr >= load[0] && strtabVaddr < load[0] + load[2]) {
                strtab = strtabVaddr - load[0] + load[1];
            }
        }
        if (strtab < 0) {
            throw new IllegalStateException("string table outside every loaded segment");
        }
        for (long off : neededOffsets) {
            int start = (int) (strtab + off);
            int end = start;
            while (elf[end] != 0) {
                end++;
            }
            names.add(new String(elf, start, end - start, StandardCharsets.US_ASCII));
        }
        return names;
    }
}
