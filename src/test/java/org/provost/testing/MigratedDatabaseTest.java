package org.provost.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.provost.testing.ProvostServerTest.context;
import static org.provost.testing.ProvostServerTest.databaseExists;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The per-class extension's own contract: it makes one migrated database, shares it with nested classes, drops it. */
class MigratedDatabaseTest {
  @Test
  void perClass_opensAMigratedDatabase_sharesItWithANestedClass_andDropsItAfterAll() {
    MigratedDatabase.PerClass database = MigratedDatabase.perClass();
    ExtensionContext outer = context("[class:Outer]");
    ExtensionContext nested = context("[class:Outer]/[nested-class:Inner]");
    assertThatThrownBy(database::db).isInstanceOf(IllegalStateException.class).hasMessageContaining("not open");

    database.beforeAll(outer);
    String jdbcUrl = database.jdbcUrl();
    assertThat(database.count("SELECT count(*) FROM pg_tables WHERE tablename = ?", "changelog")).isEqualTo(1);
    assertThat(database.config().databaseUrl()).contains(jdbcUrl);

    database.beforeAll(nested);
    database.afterAll(nested);
    assertThat(database.jdbcUrl()).as("the nested class's end leaves the outer's database").isEqualTo(jdbcUrl);
    assertThat(databaseExists(jdbcUrl)).isTrue();

    database.afterAll(outer);
    assertThat(databaseExists(jdbcUrl)).isFalse();
    assertThatThrownBy(database::jdbcUrl).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not open");
  }
}
