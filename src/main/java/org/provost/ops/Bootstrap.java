package org.provost.ops;

import org.provost.audit.Audit;
import org.provost.config.Config;
import org.provost.db.Changelog;
import org.provost.db.Database;
import org.provost.db.Jdbc;
import org.provost.feed.Change;
import org.provost.security.PasswordHasher;
import org.provost.security.Tokens;
import org.provost.users.NewUser;
import org.provost.users.UserStore;

/** First start: creates user {@code admin} with the global admin role. */
public final class Bootstrap {
  private Bootstrap() {}

  /**
   * Creates {@code admin} (password from PROVOST_ADMIN_PASSWORD, else generated and printed once) unless it
   * exists; when it exists and PROVOST_ADMIN_PASSWORD is set, says that it was not applied.
   */
  public static void ensureAdmin(Database db, UserStore users, PasswordHasher hasher, Config config) {
    boolean exists = db.readPrimary(c -> Jdbc.one(c, "SELECT 1 FROM users WHERE username_key = 'admin'",
        rs -> true).isPresent());
    if (exists) {
      if (config.adminPassword().isPresent()) {
        System.out.println("provost: PROVOST_ADMIN_PASSWORD was not applied: user 'admin' already exists, and the "
            + "variable is used only when the account is first created. To change the password: "
            + "provost admin reset-password admin");
      }
      return;
    }
    boolean generated = config.adminPassword().isEmpty();
    String password = config.adminPassword().orElseGet(Tokens::newPassword);
    String hash = hasher.hash(password);
    boolean created = db.write(c -> {
      // two instances starting at once: only one creates the account
      Jdbc.returningLong(c, "SELECT 1 FROM pg_advisory_xact_lock(7447001)");
      if (Jdbc.one(c, "SELECT 1 FROM users WHERE username_key = 'admin'", rs -> true).isPresent()) return false;
      long id = users.insert(c, new NewUser("admin", "admin@provost.invalid", "Provost administrator", "staff",
          null, null, true, true, null), null, hash);
      long grant = Jdbc.returningLong(c, "SELECT nextval(pg_get_serial_sequence('grants', 'id'))");
      long revision = Changelog.record(c, Change.Entity.GRANT, grant, Change.Op.CREATE, id);
      Jdbc.update(c, """
          INSERT INTO grants (id, user_id, role_id, scope_type, scope_id, reason, revision)
          SELECT ?, ?, id, 0, NULL, 'bootstrap', ? FROM roles WHERE name = 'admin'""", grant, id, revision);
      // the events carry what a replay of the audit log needs (docs/API.md, access review): the account,
      // and its grant as grant.create records any other
      Audit.record(c, null, "system", "user.bootstrap", "user", id, null, users.get(c, id).toJson());
      Audit.record(c, null, "system", "grant.create", "grant", grant, null, new io.vertx.core.json.JsonObject()
          .put("id", grant).put("user", id).put("role", "admin").put("scope", "global").put("valid_from", null)
          .put("valid_until", null).put("reason", "bootstrap").put("granted_by", null).put("revision", revision));
      return true;
    });
    if (created && generated) {
      System.out.println("""
          provost: created user 'admin' with a generated password (shown once, not stored anywhere):
          provost:     %s
          provost: set PROVOST_ADMIN_PASSWORD before the first start to choose it instead.""".formatted(password));
    } else if (created) {
      System.out.println("provost: created user 'admin' with the password from PROVOST_ADMIN_PASSWORD");
    }
  }
}
