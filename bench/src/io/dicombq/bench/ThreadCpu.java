package io.dicombq.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * CPU time of some of a process's threads, picked by thread name, from /proc/PID/task/TID/stat
 * (Linux, 10 ms ticks): the JIT compiler's share of a warm-up pass, the garbage collector's share
 * of a timed part.
 */
final class ThreadCpu {
    /** HotSpot's C1 and C2 compiler threads. */
    static final Predicate<String> JIT = name -> name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre");
    /** G1's threads: parallel workers ("GC Thread#N"), concurrent marking and refinement ("G1 ..."). */
    static final Predicate<String> GC = name -> name.startsWith("GC Thread") || name.startsWith("G1 ");

    private ThreadCpu() {
    }

    /** User + system CPU of the named threads of process {@code pid} so far, in ms; -1 where /proc cannot tell. */
    static long millis(long pid, Predicate<String> threads) {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException threadEnded) {
                    continue;
                }
                int close = stat.lastIndexOf(')');
                if (threads.test(stat.substring(stat.indexOf('(') + 1, close))) {
                    String[] f = stat.substring(close + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return ticks * 10;
    }
}
