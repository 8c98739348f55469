package org.provost.provisioning;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reports a long job's phases. On a terminal, a bar redrawn in place; elsewhere (a log, a pipe), one plain
 * line per finished phase; in tests, nothing. Calls come from the one thread doing the work.
 */
public interface Progress {
  /** A new phase; {@code total} is the number of steps, or 0 when it cannot be counted. */
  void begin(String phase, long total);

  /** {@code done} of the current phase's steps are complete. */
  void advance(long done);

  /** The current phase is complete. */
  void end();

  /** The current phase (if any) stopped on an error. */
  void fail();

  Progress NONE = new Progress() {
    @Override
    public void begin(String phase, long total) {}

    @Override
    public void advance(long done) {}

    @Override
    public void end() {}

    @Override
    public void fail() {}
  };

  /** A bar on a terminal, plain lines otherwise. */
  static Progress to(PrintWriter err, boolean terminal) {
    return terminal ? new Bar(err) : new Lines(err);
  }

  /** True when standard error is a terminal (a person is watching), as {@code test -t 2} would say. */
  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      var console = System.console(); // no /proc: the console's view of stdin and stdout is the best guess
      return console != null && console.isTerminal();
    }
  }

  /**
   * Redraws {@code phase [#####.....] 52%  done/total  1.2 s} in place, at most 10 times a second; a ticker
   * keeps the elapsed time moving while one long statement runs.
   */
  final class Bar implements Progress {
    private static final int WIDTH = 30;
    private final PrintWriter out;
    private String phase = "";
    private long total;
    private long started;
    private long lastDraw;
    private volatile long done;
    private Thread ticker;

    Bar(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void begin(String phase, long total) {
      this.phase = phase;
      this.total = total;
      this.started = System.nanoTime();
      this.lastDraw = 0;
      this.done = 0;
      draw();
      ticker = Thread.ofPlatform().daemon().name("provost-progress").start(() -> {
        try {
          while (true) {
            Thread.sleep(250);
            draw();
          }
        } catch (InterruptedException e) {
          // the phase ended
        }
      });
    }

    @Override
    public void advance(long done) {
      this.done = done;
      long now = System.nanoTime();
      if (now - lastDraw < 100_000_000L) return;
      lastDraw = now;
      draw();
    }

    @Override
    public void end() {
      stopTicker();
      done = total;
      draw();
      out.print('\n');
      out.flush();
    }

    @Override
    public void fail() {
      if (stopTicker()) {
        out.print('\n');
        out.flush();
      }
    }

    /** Stops redrawing; false when no phase was running. */
    private boolean stopTicker() {
      Thread t = ticker;
      ticker = null;
      if (t == null) return false;
      t.interrupt();
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return true;
    }

    private synchronized void draw() {
      long d = Math.min(done, total);
      double seconds = (System.nanoTime() - started) / 1e9;
      String line;
      if (total > 0) {
        int filled = (int) (WIDTH * d / total);
        line = String.format(Locale.ROOT, "\r%-16s [%s%s] %3d%%  %,d/%,d  %.1f s", phase, "#".repeat(filled),
            ".".repeat(WIDTH - filled), 100 * d / total, d, total, seconds);
      } else {
        line = String.format(Locale.ROOT, "\r%-16s ...  %.1f s", phase, seconds);
      }
      out.print(line);
      out.flush();
    }
  }

  /** One line per finished phase: {@code provost: users: 13,000 in 0.21 s}. */
  final class Lines implements Progress {
    private final PrintWriter out;
    private String phase = "";
    private long total;
    private long started;

    Lines(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void begin(String phase, long total) {
      this.phase = phase;
      this.total = total;
      this.started = System.nanoTime();
    }

    @Override
    public void advance(long done) {}

    @Override
    public void fail() {
      if (phase.isEmpty()) return;
      out.println(String.format(Locale.ROOT, "provost: %s: failed after %.2f s", phase,
          (System.nanoTime() - started) / 1e9));
      out.flush();
      phase = "";
    }

    @Override
    public void end() {
      double seconds = (System.nanoTime() - started) / 1e9;
      out.println(total > 0
          ? String.format(Locale.ROOT, "provost: %s: %,d in %.2f s", phase, total, seconds)
          : String.format(Locale.ROOT, "provost: %s: done in %.2f s", phase, seconds));
      out.flush();
      phase = "";
    }
  }
}
