package org.provost.db;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The files Provost keeps beside the embedded PostgreSQL: its password (0600), pg_hba.conf, the log. */
final class EmbeddedFiles {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final SecureRandom RANDOM = new SecureRandom();

  private EmbeddedFiles() {}

  static Path passwordFile(Path dataDir) {
    return dataDir.resolve("pg-password");
  }

  /** Creates {@code dir} (mode 0700) if it does not exist; an existing directory keeps its mode. */
  static void createPrivateDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) return;
    Files.createDirectories(dir.getParent());
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) throw e;
    }
  }

  /** A new random password (32 URL-safe characters), written to the password file with mode 0600. */
  static String newPassword(Path dataDir) throws IOException {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Path file = passwordFile(dataDir);
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    Files.writeString(file, password + "\n", StandardOpenOption.TRUNCATE_EXISTING);
    return password;
  }

  /** The stored password; the file is made owner-only again if someone widened it. */
  static Optional<String> readPassword(Path dataDir) throws IOException {
    Path file = passwordFile(dataDir);
    if (!Files.exists(file)) return Optional.empty();
    if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
      try {
        Files.setPosixFilePermissions(file, OWNER_ONLY);
      } catch (IOException e) {
        // readable but not ours to change: keep going with what we can read
      }
    }
    String password = Files.readString(file).trim();
    return password.isEmpty() ? Optional.empty() : Optional.of(password);
  }

  /** Rewritten at every start, so a data directory made when it trusted local users is closed too. */
  static void writeHba(Path pg) throws IOException {
    Files.writeString(pg.resolve("pg_hba.conf"), """
        # Written by provost at every start: password (SCRAM) only, over the Unix socket in this directory
        # (mode 0700) or loopback TCP. The password is in ../pg-password (mode 0600).
        local all all scram-sha-256
        host  all all 127.0.0.1/32 scram-sha-256
        host  all all ::1/128 scram-sha-256
        """);
  }

  /** The data directory itself when a socket path there fits the 107-byte limit, else none (loopback only). */
  static String socketDirectory(Path pg, int port) {
    String socket = pg + "/.s.PGSQL." + port;
    return socket.length() < 100 ? pg.toString() : "";
  }

  /** The last non-blank line of {@code postgres.log}, for start-up messages. */
  static String lastLogLine(Path dataDir) {
    try {
      List<String> lines = Files.readAllLines(dataDir.resolve("postgres.log"));
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (!lines.get(i).isBlank()) return lines.get(i).trim();
      }
    } catch (IOException e) {
      // no log yet
    }
    return "(no log output)";
  }
}
