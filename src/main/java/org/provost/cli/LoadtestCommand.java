package org.provost.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.provost.loadtest.Connections;
import org.provost.loadtest.Loadtest;
import org.provost.loadtest.Mix;
import org.provost.loadtest.Plan;
import org.provost.loadtest.Report;
import org.provost.loadtest.ReportFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code provost loadtest}: an open-loop load test against a running Provost (or any HTTP server). */
@Command(name = "loadtest", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Send requests at a constant rate (open loop) and report latency per endpoint, measured from "
        + "each request's scheduled send time. Logs in a pool of seeded users first (see `provost seed`).",
        "Example: TARGET_RPS=1000 DURATION_SEC=60 provost loadtest"})
public final class LoadtestCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--url", description = "target (default: PROVOST_URL, else http://127.0.0.1:PROVOST_HTTP_PORT, "
      + "else http://127.0.0.1:8080)")
  String url;

  @Option(names = "--rate", defaultValue = "${env:TARGET_RPS:-100}",
      description = "requests per second (default: TARGET_RPS, else 100)")
  int rate;

  @Option(names = "--duration", defaultValue = "${env:DURATION_SEC:-10}",
      description = "measured seconds (default: DURATION_SEC, else 10)")
  int duration;

  @Option(names = "--warmup", defaultValue = "5",
      description = "seconds ramping from 0 to the rate before measuring (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--connections", paramLabel = "N|CLASS=N,...",
      description = "keep-alive connections per traffic class, each class with its own (memory: check, me, get; "
          + "sql: list, search, grant, revoke; hash: login): one number for every class the mix uses, or "
          + "e.g. memory=64,sql=32 (default: memory=64,sql=512,hash=64: more SQL connections than the "
          + "server's SQL lane admits, so that it, not the generator's queue, decides what is refused)")
  String connections;

  @Option(names = "--mix", defaultValue = Mix.DEFAULT, description = "scenario weights; scenarios: check, me, list, "
      + "search, login, grant (grant then revoke), get (GET --path, no login) (default: ${DEFAULT-VALUE})")
  String mix;

  @Option(names = "--users", defaultValue = "100",
      description = "seeded users to log in: student000001.., faculty000001.., staff000001.. (default: ${DEFAULT-VALUE})")
  int users;

  @Option(names = "--password", defaultValue = "${env:PROVOST_SEED_PASSWORD:-provost-seed-password}",
      description = "the seeded users' password (default: PROVOST_SEED_PASSWORD, else provost-seed-password)")
  String password;

  @Option(names = "--admin-user", defaultValue = "admin",
      description = "who lists, searches, grants and creates the check client (default: ${DEFAULT-VALUE})")
  String adminUser;

  @Option(names = "--admin-password", defaultValue = "${env:PROVOST_ADMIN_PASSWORD}",
      description = "that user's password (default: PROVOST_ADMIN_PASSWORD)")
  String adminPassword;

  @Option(names = "--path", defaultValue = "/", description = "path of the get scenario (default: ${DEFAULT-VALUE})")
  String path;

  @Option(names = "--timeout", defaultValue = "10",
      description = "seconds after its scheduled time a request counts as timed out (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Option(names = "--grant-role", defaultValue = "teaching_assistant",
      description = "role the grant scenario grants and revokes (default: ${DEFAULT-VALUE})")
  String grantRole;

  @Option(names = "--grant-scope",
      description = "scope of those grants (default: an offering the pool holds a grant in, else global)")
  String grantScope;

  @Option(names = "--event-loops", description = "sending threads (default: half the CPUs, 1 to 4; on a "
      + "2-core machine one loop leaves the other core to the target)")
  Integer eventLoops;

  @Option(names = "--json", paramLabel = "FILE", description = "also write the report as JSON")
  Path json;

  @Option(names = "--timeline", paramLabel = "FILE",
      description = "also write the per-second timeline as CSV, per traffic class and per endpoint")
  Path timeline;

  @Option(names = {"--html", "--svg"}, paramLabel = "FILE",
      description = "write a latency-over-time plot: HTML page, or SVG if FILE ends in .svg")
  Path plot;

  @Override
  public Integer call() throws InterruptedException, IOException {
    Plan plan = plan();
    requireWritable("--json", json);
    requireWritable("--html", plot);
    requireWritable("--timeline", timeline);
    int loops = eventLoops != null ? eventLoops : Math.clamp(Runtime.getRuntime().availableProcessors() / 2, 1, 4);
    if (loops < 1) throw new ParameterException(spec.commandLine(), "--event-loops must be at least 1");
    Report report = Loadtest.run(plan, loops, System.out);
    System.out.print(ReportFiles.table(report));
    if (json != null) {
      Files.writeString(json, ReportFiles.json(report));
      System.out.println("wrote " + json);
    }
    if (timeline != null) {
      Files.writeString(timeline, ReportFiles.timeline(report));
      System.out.println("wrote " + timeline);
    }
    if (plot != null) {
      Files.writeString(plot, ReportFiles.plot(report, plot.getFileName().toString()));
      System.out.println("wrote " + plot);
    }
    return 0;
  }

  /** The target: --url, else PROVOST_URL, else the local PROVOST_HTTP_PORT (as {@code provost serve} uses it). */
  String target() {
    if (url != null) return url;
    String fromEnv = System.getenv("PROVOST_URL");
    if (fromEnv != null && !fromEnv.isBlank()) return fromEnv.strip();
    String port = System.getenv("PROVOST_HTTP_PORT");
    return "http://127.0.0.1:" + (port != null && !port.isBlank() ? port.strip() : "8080");
  }

  /** A report file that cannot be written fails now, not after the run it would have reported. */
  private void requireWritable(String option, Path file) {
    if (file == null) return;
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new ParameterException(spec.commandLine(), option + " " + file + ": the directory " + dir
          + " does not exist");
    }
    if (Files.isDirectory(file)) throw new ParameterException(spec.commandLine(), option + " " + file + " is a directory");
    if (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(dir)) {
      throw new ParameterException(spec.commandLine(), option + " " + file + " cannot be written (permissions)");
    }
  }

  Plan plan() {
    String url = target();
    try {
      return new Plan(new URI(url), rate, duration, warmup, Connections.parse(connections), Mix.parse(mix), users,
          adminUser,
          adminPassword, password, path, Duration.ofSeconds(timeoutSeconds), grantRole, grantScope).check();
    } catch (URISyntaxException e) {
      throw new ParameterException(spec.commandLine(), "--url is not a URL: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
