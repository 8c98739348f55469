package org.provost;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The version and git commit baked in at build ({@code provost/version.properties}, {@code provost/commit}):
 * {@code provost 0.1.0 (commit 1a2b3c4d5e6f)}; a commit ending in {@code -dirty} was built from uncommitted
 * changes. {@code dev} / {@code unknown} when run from unbuilt sources.
 */
public final class Version implements IVersionProvider {
  /** The project version, such as {@code 0.1.0-SNAPSHOT}. */
  public static String current() {
    Properties p = new Properties();
    try (InputStream in = Version.class.getResourceAsStream("/provost/version.properties")) {
      if (in != null) p.load(in);
    } catch (IOException e) {
      return "dev";
    }
    String v = p.getProperty("version", "dev");
    return v.startsWith("${") ? "dev" : v;
  }

  /** The git commit the build was made from ({@code git describe --always --dirty}), or {@code unknown}. */
  public static String commit() {
    try (InputStream in = Version.class.getResourceAsStream("/provost/commit")) {
      if (in == null) return "unknown";
      String c = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      return c.isEmpty() ? "unknown" : c;
    } catch (IOException e) {
      return "unknown";
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {"provost " + current() + " (commit " + commit() + ")",
        "Java " + Runtime.version() + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
  }
}
