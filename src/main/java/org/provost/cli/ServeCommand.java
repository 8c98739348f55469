package org.provost.cli;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.Callable;
import org.provost.App;
import org.provost.Version;
import org.provost.config.Config;
import org.provost.config.StartupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/**
 * {@code provost serve}: runs the HTTP service until SIGTERM/SIGINT, then stops gracefully
 * ({@link App#stopGracefully}: readiness 503, drain delay, listener closed, requests in flight finished)
 * and exits 0.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Run the HTTP service (configured by PROVOST_* environment variables; see the README).",
        "Without PROVOST_DATABASE_URL it runs an embedded PostgreSQL under PROVOST_DATA_DIR (./provost-data).", "",
        "Exit status: 0 stopped by SIGTERM/SIGINT; 1 could not start (the message names the setting to fix)."})
public final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
  private static volatile boolean serving;

  public static boolean isServing() {
    return serving;
  }

  @Override
  public Integer call() {
    Config config = Config.fromEnvironment();
    LOG.info("provost {} (commit {}), configuration:\n{}", Version.current(), Version.commit(),
        Config.describe(System.getenv()).stripTrailing());
    requireFreePort(config.httpHost(), config.httpPort());
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

  /**
   * Fails fast, before the database is touched, when the HTTP port is taken (a second serve, another
   * program). Throws {@link StartupException} naming PROVOST_HTTP_PORT.
   */
  static void requireFreePort(String host, int port) {
    if (port == 0) return;
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(InetAddress.getByName(host), port));
    } catch (BindException e) {
      throw new StartupException("port " + port + " on " + host + " is already in use (PROVOST_HTTP_PORT=" + port
          + "): stop what listens there (is another provost serve running?), or set PROVOST_HTTP_PORT to a free "
          + "port");
    } catch (IOException e) {
      throw new StartupException("cannot listen on " + host + ":" + port + " (PROVOST_HTTP_HOST, PROVOST_HTTP_PORT): "
          + e.getMessage());
    }
  }
}
