package dev.edgelens.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and resident memory of a process, read from Linux's /proc. */
final class ProcStat {
    /** Clock ticks per second of /proc/PID/stat's utime and stime (USER_HZ, 100 on Linux x86-64 and arm64). */
    private static final long TICK_NANOS = 10_000_000L;

    private ProcStat() {
    }

    /** User + system CPU time of all the process's threads, in nanoseconds. */
    static long cpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS; // fields 14 and 15: utime, stime
    }

    /** Resident memory (VmRSS) in kB. */
    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).replace("kB", "").strip());
            }
        }
        throw new IOException("/proc/" + pid + "/status has no VmRSS line");
    }

    /**
     * Nanoseconds the named thread of a process has spent waiting on a run queue (runnable but not running), from
     * /proc/PID/task/TID/schedstat; -1 if there is no such thread or the kernel does not keep schedstats.
     */
    static long runQueueWaitNanos(long pid, String threadName) {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                if (Files.readString(task.resolve("comm")).strip().equals(threadName)) {
                    return Long.parseLong(Files.readString(task.resolve("schedstat")).strip().split(" ")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
