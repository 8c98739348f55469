package org.provost.db;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.provost.config.StartupException;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL server binaries ({@code initdb}, {@code pg_ctl}, {@code postgres}) packaged on Maven Central
 * by io.zonky, unpacked once under {@code <runtimeDir>/PG-<sha256 prefix>} (a new archive, a new directory).
 */
final class PostgresBinaries {
  private final Path home;

  private PostgresBinaries(Path home) {
    this.home = home;
  }

  /** The unpacked binaries, unpacking them first if needed. Throws {@link StartupException} if impossible. */
  static PostgresBinaries under(Path runtimeDir) {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String system = os.contains("linux") ? "Linux" : os.contains("mac") ? "Darwin" : null;
    String arch = "amd64".equals(System.getProperty("os.arch")) ? "x86_64" : System.getProperty("os.arch");
    if (system == null) {
      throw new StartupException("the embedded PostgreSQL runs on Linux and macOS only; set PROVOST_DATABASE_URL "
          + "to use your own PostgreSQL");
    }
    try (InputStream archive = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, arch)) {
      byte[] bytes = archive.readAllBytes();
      String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
      Path home = runtimeDir.resolve("PG-" + digest);
      if (!Files.isExecutable(home.resolve("bin/postgres"))) unpack(bytes, runtimeDir, home);
      return new PostgresBinaries(home);
    } catch (IOException | RuntimeException e) {
      if (e instanceof StartupException s) throw s;
      throw new StartupException("no embedded PostgreSQL binaries for " + system + " " + arch + " could be "
          + "unpacked under " + runtimeDir + " (" + e.getMessage() + "); set PROVOST_DATABASE_URL to use your own "
          + "PostgreSQL");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is always present", e);
    }
  }

  /** Unpacks into a fresh directory, then renames it into place: two starts at once cannot see half a tree. */
  private static void unpack(byte[] archive, Path runtimeDir, Path home) throws IOException {
    Files.createDirectories(runtimeDir);
    Path tmp = Files.createTempDirectory(runtimeDir, "unpacking-");
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(archive)))) {
      for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
        Path target = tmp.resolve(entry.getName()).normalize();
        if (!target.startsWith(tmp)) throw new IOException("archive entry outside its directory: " + entry.getName());
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else if (entry.isSymbolicLink()) {
          Files.createDirectories(target.getParent());
          Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
        } else if (entry.isFile()) {
          Files.createDirectories(target.getParent());
          Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
          if ((entry.getMode() & 0100) != 0 || entry.getName().matches("(\\./)?bin/.*")) {
            target.toFile().setExecutable(true, false);
          }
        }
      }
    }
    try {
      Files.move(tmp, home, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException | java.nio.file.DirectoryNotEmptyException e) {
      deleteTree(tmp); // another start unpacked the same archive first
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  /** The path of one binary, such as {@code postgres}. */
  String bin(String name) {
    return home.resolve("bin").resolve(name).toString();
  }

  /**
   * The command line that runs binary {@code name} with {@code args}. PostgreSQL refuses to run as root; as
   * root (a container) it runs in a new user namespace ({@code unshare -U}), where it is an unprivileged user.
   * The process id stays that of the binary: {@code unshare} replaces itself with it.
   */
  List<String> command(String name, String... args) {
    List<String> cmd = new ArrayList<>();
    if (AS_ROOT) {
      if (!UNSHARE) {
        throw new StartupException("the embedded PostgreSQL cannot run as root and `unshare -U` is not available: "
            + "run provost as an ordinary user, or set PROVOST_DATABASE_URL to use your own PostgreSQL");
      }
      cmd.addAll(List.of("unshare", "-U"));
    }
    cmd.add(bin(name));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static final boolean AS_ROOT = new com.sun.security.auth.module.UnixSystem().getUid() == 0;
  private static final boolean UNSHARE = AS_ROOT && unshareWorks();

  private static boolean unshareWorks() {
    try {
      Process p = new ProcessBuilder("unshare", "-U", "true").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
