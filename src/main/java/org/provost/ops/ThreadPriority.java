package org.provost.ops;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operating system's scheduling priority of single threads: on Linux, each thread has its own nice value
 * (setpriority(2) with a thread id; man 2 setpriority, "BUGS"), so the threads that run SQL and password
 * hashing can yield the cores to the event loops that answer from memory when the machine is saturated
 * (README "Lanes and overload"). The JVM's own {@link Thread#setPriority} does nothing on Linux unless the JVM
 * runs as root with {@code -XX:ThreadPriorityPolicy=1}; this class calls the C library through the
 * foreign-function API instead. How much a nice step weighs is the kernel's: a runnable thread's share of a
 * busy core is proportional to its weight, 1024 at nice 0 and 110 at nice 10 ({@code sched_prio_to_weight}
 * in the Linux source, kernel/sched/core.c), so a nice-10 thread gets about a tenth of a nice-0 one's share.
 *
 * <p>Only ever lowers a priority (raises the nice value), which any process may do without privileges; it
 * cannot raise one back. Linux gives a new thread the nice value of the thread that created it, so the
 * target is absolute: the process's own nice value (its main thread's) plus the increment, and a thread
 * created by a lowered one, already there, stays there instead of sinking further. The other side of that
 * inheritance is the caller's to mind: a thread meant to keep the process's priority must not be created by
 * a lowered one (the memory lane's fill threads are created only by the event loops: http.Api).
 * Where it cannot lower (not Linux, no {@code /proc/thread-self}, a refused call), it logs one warning and
 * the threads keep the process's priority: a missing priority costs latency under overload, never correctness.
 */
public final class ThreadPriority {
  private static final Logger LOG = LoggerFactory.getLogger(ThreadPriority.class);
  private static final int PRIO_PROCESS = 0; // <sys/resource.h>: with a thread id, that one thread on Linux
  private static final int MAX_NICE = 19;
  private static final Path THREAD_SELF = Path.of("/proc/thread-self");
  private static final Path PROCESS_SELF = Path.of("/proc/self");
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private ThreadPriority() {}

  /**
   * A factory of platform daemon threads named {@code prefix0}, {@code prefix1}, ..., each of which first
   * lowers its own priority to {@code increment} nice steps below the process's ({@link #lowerCurrent}),
   * then runs its task.
   *
   * @param increment 0 (the process's priority) to 19; the result is capped at nice 19
   * @throws IllegalArgumentException for an increment outside 0..19
   */
  public static ThreadFactory lowered(String prefix, int increment) {
    checkIncrement(increment);
    ThreadFactory platform = Thread.ofPlatform().daemon().name(prefix, 0).factory();
    return task -> platform.newThread(() -> {
      lowerCurrent(increment);
      task.run();
    });
  }

  /**
   * A pool of at most {@code threads} {@link #lowered} threads, started as tasks arrive (queued beyond that,
   * without bound: the caller bounds them, as an admission does) and ended after {@code idleSeconds} idle.
   *
   * @throws IllegalArgumentException for fewer than one thread, or an increment outside 0..19
   */
  public static ExecutorService pool(String prefix, int threads, int idleSeconds, int increment) {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, idleSeconds, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), lowered(prefix, increment));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * Lowers the calling platform thread's priority to {@code increment} nice steps below the process's (its
   * main thread's nice value, capped at 19); a thread already at or below that priority is left as it is.
   *
   * @param increment 0 to 19; 0 changes nothing
   * @return whether the thread now runs at that priority or lower (true for 0)
   * @throws IllegalArgumentException for an increment outside 0..19, or when called on a virtual thread
   *     (its carrier, shared with other virtual threads, would be lowered)
   */
  public static boolean lowerCurrent(int increment) {
    checkIncrement(increment);
    if (Thread.currentThread().isVirtual()) {
      throw new IllegalArgumentException("a virtual thread has no priority of its own");
    }
    if (increment == 0) return true;
    OptionalInt tid = threadId();
    OptionalInt now = currentNice();
    OptionalInt process = processNice();
    MethodHandle setpriority = Native.SETPRIORITY;
    if (setpriority == null || tid.isEmpty() || now.isEmpty() || process.isEmpty()) {
      warnOnce("this system has no per-thread nice value (Linux /proc/thread-self and setpriority)");
      return false;
    }
    int target = Math.min(MAX_NICE, process.getAsInt() + increment);
    if (now.getAsInt() >= target) return true; // created by a lowered thread: it inherited as much or more
    try {
      if ((int) setpriority.invokeExact(PRIO_PROCESS, tid.getAsInt(), target) == 0) return true;
    } catch (Throwable t) {
      warnOnce("setpriority failed: " + t);
      return false;
    }
    warnOnce("setpriority(" + target + ") was refused for thread " + tid.getAsInt());
    return false;
  }

  /**
   * The calling platform thread's nice value (-20 to 19, the 19th field of {@code /proc/thread-self/stat};
   * man 5 proc), or empty where the system does not say.
   */
  public static OptionalInt currentNice() {
    return niceIn(THREAD_SELF);
  }

  /**
   * The process's nice value: its main thread's ({@code /proc/self/stat}), which this class never lowers;
   * empty where the system does not say.
   */
  public static OptionalInt processNice() {
    return niceIn(PROCESS_SELF);
  }

  private static OptionalInt niceIn(Path task) {
    try {
      return OptionalInt.of(niceOf(Files.readString(task.resolve("stat"))));
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty();
    }
  }

  /**
   * The nice value in one {@code /proc/<pid>/task/<tid>/stat} line: the 19th field, counted after the
   * command name, which is in parentheses and may itself hold spaces and parentheses.
   *
   * @throws IllegalArgumentException when the line has no such field
   */
  public static int niceOf(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0 || close + 2 > stat.length()) throw new IllegalArgumentException("not a stat line: " + stat);
    String[] fields = stat.substring(close + 2).trim().split(" ");
    if (fields.length < 17) throw new IllegalArgumentException("not a stat line: " + fields.length + " fields");
    return Integer.parseInt(fields[16]); // fields[0] is the 3rd field (state); the 19th is fields[16]
  }

  private static OptionalInt threadId() {
    try {
      String link = Files.readSymbolicLink(THREAD_SELF).toString(); // "<pid>/task/<tid>"
      return OptionalInt.of(Integer.parseInt(link.substring(link.lastIndexOf('/') + 1)));
    } catch (IOException | RuntimeException e) {
      return OptionalInt.empty();
    }
  }

  /** The C library's setpriority, looked up on first use: a process that never lowers never links it. */
  private static final class Native {
    static final MethodHandle SETPRIORITY = setpriority();

    private static MethodHandle setpriority() {
      try {
        Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find("setpriority")
            .map(symbol -> linker.downcallHandle(symbol, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)))
            .orElse(null);
      } catch (RuntimeException e) {
        return null; // no native linker for this platform, or native access denied
      }
    }
  }

  private static void checkIncrement(int increment) {
    if (increment < 0 || increment > MAX_NICE) {
      throw new IllegalArgumentException("nice increment " + increment + " is outside 0..19");
    }
  }

  private static void warnOnce(String why) {
    if (WARNED.compareAndSet(false, true)) {
      LOG.warn("the SQL and hash lanes run at the process's priority: {}; under overload they compete with the "
          + "event loops for the cores", why);
    }
  }
}
