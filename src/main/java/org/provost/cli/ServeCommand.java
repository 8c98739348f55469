package org.provost.cli;

import java.util.concurrent.Callable;
import org.provost.App;
import org.provost.config.Config;
import picocli.CommandLine.Command;

/**
 * {@code provost serve}: runs the HTTP service until SIGTERM/SIGINT, then stops gracefully
 * ({@link App#stopGracefully}: readiness 503, drain delay, listener closed, requests in flight finished)
 * and exits 0.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run the HTTP service (configured by PROVOST_* environment variables).")
public final class ServeCommand implements Callable<Integer> {
  private static volatile boolean serving;

  public static boolean isServing() {
    return serving;
  }

  @Override
  public Integer call() {
    Config config = Config.fromEnvironment();
    App app = App.start(config);
    serving = true;
    // a JVM ended by SIGTERM exits 143 even when its shutdown hooks succeed; handling the signal lets a
    // clean stop exit 0 (an orchestrator then does not count a rolling restart as a crash)
    java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable stop = () -> {
      if (stopping.compareAndSet(false, true)) Thread.ofPlatform().name("provost-shutdown").start(() -> {
        app.stopGracefully();
        System.exit(0);
      });
    };
    for (String signal : new String[] {"TERM", "INT"}) {
      sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> stop.run());
    }
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "provost-exit")); // System.exit elsewhere
    return 0;
  }
}
