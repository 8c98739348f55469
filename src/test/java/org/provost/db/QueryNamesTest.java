package org.provost.db;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueryNamesTest {
  @Test
  void aNamedStatement_isLabelledByItsComment() {
    assertThat(QueryNames.of(Jdbc.named("users.page", "SELECT * FROM users WHERE id > ?"))).isEqualTo("users.page");
  }

  @Test
  void anUnnamedStatement_isLabelledByVerbTableAndFirstConditionColumn() {
    assertThat(QueryNames.derive("SELECT id, name FROM users u WHERE u.id = ?")).isEqualTo("select.users.by_id");
    assertThat(QueryNames.derive("SELECT 1 FROM users WHERE lower(username) = lower(?)"))
        .isEqualTo("select.users.by_username");
    assertThat(QueryNames.derive("UPDATE sessions SET last_seen_at = ? WHERE id = ?")).isEqualTo("update.sessions.by_id");
    assertThat(QueryNames.derive("  insert into audit_events (a) values (?)")).isEqualTo("insert.audit_events");
    assertThat(QueryNames.derive("DELETE FROM grants WHERE id = ?")).isEqualTo("delete.grants.by_id");
    assertThat(QueryNames.derive("SELECT max(revision) FROM changelog")).isEqualTo("select.changelog");
    assertThat(QueryNames.derive("SELECT * FROM users WHERE TRUE AND type = ?")).isEqualTo("select.users");
    assertThat(QueryNames.derive("WITH x AS (SELECT 1) SELECT * FROM grants g JOIN x ON true"))
        .isEqualTo("with.grants");
    assertThat(QueryNames.derive("SELECT 1")).isEqualTo("select");
  }

  @Test
  void names_areSafeTagValues() {
    for (String sql : new String[] {"SELECT \"Odd\" FROM \"Mixed Case\"", "/* bad name! */ SELECT 1", ""}) {
      assertThat(QueryNames.derive(sql)).matches("[a-z0-9_.]{1,64}");
    }
  }
}
