package org.provost.cli;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.provost.config.Config;
import org.provost.db.Database;
import org.provost.db.Migrations;
import org.provost.error.ServiceException;
import org.provost.provisioning.ImportFile;
import org.provost.provisioning.ImportReport;
import org.provost.provisioning.Importer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code provost import FILE.csv}: the nightly SIS import, from a file (or {@code -} for standard input). */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Create and update users from a CSV file, matched by external_id, in one transaction. Columns: "
            + "external_id (required), username, email, given_name, family_name, type, department, active, "
            + "verified. A file with invalid rows changes nothing unless --skip-invalid.",
        "",
        "Exit status: 0 done (or a dry run without invalid rows); 1 invalid rows without --skip-invalid, or a "
            + "file that cannot be read.",
        ""})
public final class ImportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE.csv", description = "the CSV file, or - for standard input")
  String file;

  @Option(names = "--dry-run", description = "report what would change; change nothing")
  boolean dryRun;

  @Option(names = "--snapshot", description = "the file lists everyone: deactivate (never delete) active users "
      + "with an external_id it does not list, and end their sessions")
  boolean snapshot;

  @Option(names = "--skip-invalid", description = "apply the valid rows even when others are invalid")
  boolean skipInvalid;

  @Option(names = "--json", description = "print the report as JSON (as POST /v1/imports answers)")
  boolean json;

  @Spec
  CommandSpec spec;

  private final Config config;

  public ImportCommand() {
    this(null);
  }

  /** With a configuration given instead of read from the environment (tests). */
  ImportCommand(Config config) {
    this.config = config;
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ImportFile csv;
    try (Reader reader = open()) {
      csv = ImportFile.read(reader);
    } catch (NoSuchFileException e) {
      err.println("provost: import: no such file: " + file);
      return 1;
    } catch (CharacterCodingException e) {
      err.println("provost: import: " + file + " is not UTF-8 text");
      return 1;
    } catch (ServiceException.InvalidInput e) {
      err.println("provost: import: " + file + ": " + e.getMessage());
      return 1;
    }
    Config cfg = config != null ? config : Config.fromEnvironment();
    Importer.Options options = new Importer.Options(dryRun, snapshot, skipInvalid);
    Importer.Actor actor = new Importer.Actor(null, actorName(), file);
    try (Database db = Database.open(cfg, "import", true)) {
      Migrations.migrate(db.primary());
      long started = System.nanoTime();
      ImportReport report = db.write(c -> Importer.run(c, csv, options, actor));
      if (report.applied()) org.provost.db.Vacuum.readTables(db.direct()); // a rejected run wrote nothing
      double seconds = (System.nanoTime() - started) / 1e9;
      out.print(json ? report.toJson().encodePrettily() + "\n" : report.toText());
      out.flush();
      err.printf("provost: import took %.2f s%n", seconds);
      err.flush();
      return report.invalid() > 0 && !skipInvalid ? 1 : 0;
    }
  }

  private Reader open() throws IOException {
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    if (file.equals("-")) return new InputStreamReader(System.in, decoder);
    return new InputStreamReader(Files.newInputStream(Path.of(file)), decoder);
  }

  /** How the audit log names whoever runs a command: {@code cli:<operating system user>}. */
  static String actorName() {
    return "cli:" + System.getProperty("user.name", "unknown");
  }
}
