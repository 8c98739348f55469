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

/** {@code provost serve}: runs the HTTP service until SIGTERM/SIGINT, then drains and stops. */
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
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "provost-shutdown"));
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
