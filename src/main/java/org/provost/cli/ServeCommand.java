package org.provost.cli;

import java.util.concurrent.Callable;
import org.provost.App;
import org.provost.config.Config;
import picocli.CommandLine.Command;

/** {@code provost serve}: runs the HTTP service until SIGTERM/SIGINT, then drains and stops. */
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
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "provost-shutdown"));
    return 0;
  }
}
