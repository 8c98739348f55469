package org.provost.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.provost.config.Config;
import org.provost.security.PasswordHasher;
import org.provost.testing.MigratedDatabase;
import org.provost.testing.TestServer;
import org.provost.users.UserStore;

/** The admin account is made once; PROVOST_ADMIN_PASSWORD on an existing one says it was not applied. */
class BootstrapTest {
  @Test
  void adminPasswordOnAnExistingAdmin_isNotApplied_andSaysSo() {
    try (MigratedDatabase m = MigratedDatabase.create()) {
      PasswordHasher hasher = new PasswordHasher(m.config.argon2());
      assertThat(printed(() -> Bootstrap.ensureAdmin(m.db, new UserStore(), hasher, m.config)))
          .contains("created user 'admin' with the password from PROVOST_ADMIN_PASSWORD");
      Map<String, String> env = new HashMap<>(TestServer.settings(Map.of("PROVOST_ADMIN_PASSWORD", "another-one-123")));
      env.put("PROVOST_DATABASE_URL", m.jdbcUrl);
      Config again = Config.from(env);
      String out = printed(() -> Bootstrap.ensureAdmin(m.db, new UserStore(), hasher, again));
      assertThat(out).contains("PROVOST_ADMIN_PASSWORD was not applied: user 'admin' already exists")
          .contains("provost admin reset-password admin").doesNotContain("another-one-123");
      String hash = m.db.readPrimary(c -> org.provost.db.Jdbc.one(c,
          "SELECT password_hash FROM users WHERE username = 'admin'", rs -> rs.getString(1)).orElseThrow());
      assertThat(hasher.verify(TestServer.ADMIN_PASSWORD, hash)).isTrue();
    }
  }

  private static String printed(Runnable r) {
    PrintStream before = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setOut(before);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
