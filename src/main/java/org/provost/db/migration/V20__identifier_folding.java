package org.provost.db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.provost.users.Identifiers;

/**
 * Gives every user the canonical identifier keys of {@link Identifiers}: {@code username_key} and
 * {@code email_key} columns, unique, replacing the unique indexes on {@code username} and {@code lower(email)}.
 * Existing display forms are normalized (NFKC, trimmed). Where two existing accounts would fold to the same
 * key, the migration changes nothing and fails, listing every clash, so an operator can rename one of each
 * pair first (in Java: PostgreSQL's {@code lower()} depends on the database's locale).
 */
public final class V20__identifier_folding extends BaseJavaMigration {
  private static final int BATCH = 10_000;

  private record Row(long id, String username, String email) {}

  @Override
  public void migrate(Context context) throws Exception {
    Connection c = context.getConnection();
    List<Row> rows = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
        "SELECT id, username, email FROM users ORDER BY id")) {
      while (rs.next()) rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3)));
    }
    List<String> clashes = new ArrayList<>();
    clashes.addAll(clashes("username", rows, Row::username));
    clashes.addAll(clashes("email", rows, Row::email));
    if (!clashes.isEmpty()) {
      throw new FlywayException("V20 identifier folding: these accounts would become one; rename one of each "
          + "and migrate again (nothing was changed):\n  " + String.join("\n  ", clashes));
    }
    try (Statement st = c.createStatement()) {
      st.execute("ALTER TABLE users ADD COLUMN username_key TEXT, ADD COLUMN email_key TEXT");
    }
    try (PreparedStatement ps = c.prepareStatement("""
        UPDATE users u SET username = v.username, email = v.email, username_key = v.username_key,
               email_key = v.email_key
        FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[])
             AS v(id, username, email, username_key, email_key)
        WHERE u.id = v.id""")) {
      for (int from = 0; from < rows.size(); from += BATCH) {
        List<Row> batch = rows.subList(from, Math.min(rows.size(), from + BATCH));
        ps.setArray(1, c.createArrayOf("bigint", batch.stream().map(Row::id).toArray()));
        ps.setArray(2, c.createArrayOf("text", batch.stream().map(r -> Identifiers.display(r.username())).toArray()));
        ps.setArray(3, c.createArrayOf("text", batch.stream().map(r -> Identifiers.display(r.email())).toArray()));
        ps.setArray(4, c.createArrayOf("text", batch.stream().map(r -> Identifiers.key(r.username())).toArray()));
        ps.setArray(5, c.createArrayOf("text", batch.stream().map(r -> Identifiers.key(r.email())).toArray()));
        ps.executeUpdate();
      }
    }
    try (Statement st = c.createStatement()) {
      st.execute("ALTER TABLE users ALTER COLUMN username_key SET NOT NULL, ALTER COLUMN email_key SET NOT NULL");
      st.execute("CREATE UNIQUE INDEX users_username_fold_key ON users (username_key)");
      st.execute("CREATE UNIQUE INDEX users_email_fold_key ON users (email_key)");
      st.execute("DROP INDEX users_username_key");
      st.execute("DROP INDEX users_email_lower_key");
    }
  }

  private static List<String> clashes(String field, List<Row> rows, java.util.function.Function<Row, String> value) {
    Map<String, List<Row>> byKey = new LinkedHashMap<>();
    for (Row r : rows) byKey.computeIfAbsent(Identifiers.key(value.apply(r)), k -> new ArrayList<>()).add(r);
    List<String> out = new ArrayList<>();
    byKey.forEach((key, holders) -> {
      if (holders.size() < 2) return;
      StringBuilder line = new StringBuilder(field + " '" + key + "' is held by");
      for (Row r : holders) line.append(" user ").append(r.id()).append(" (").append(value.apply(r)).append(')');
      out.add(line.toString());
    });
    return out;
  }
}
