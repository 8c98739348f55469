package org.provost.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.AccessFixture;
import org.provost.testing.ProvostServer;

/**
 * Each shape of {@code GET /v1/users} statement that takes parameters is planned once, whatever their values.
 * PostgreSQL plans the first five executions of a prepared statement for their values, then keeps its
 * generic plan only when that looks no dearer than they were; a value the planner can see (an
 * {@code OFFSET ?}) made it plan every execution again on a directory of this size (0.47 ms of planning for
 * 0.19 ms of execution under the two-instance mix, docs/PERFORMANCE.md "Statements planned once"). On 2,400
 * users (UserListingTest) the generic plan looked cheap enough either way: 20,000 here, where it did not.
 * Shapes without parameters (the first page, equality filters written as literals) always run one plan and
 * are not asked. The {@code include=grants} listing (UserStore) is planned at each execution on purpose: its
 * {@code LIKE lower(?)} can use the prefix indexes only in a plan that sees the value.
 */
class ListingPlansTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().directory().build();
  static final AccessFixture fx = server.fixture();

  @BeforeAll
  static void seed() {
    fx.sql("""
        INSERT INTO users (username, email, username_key, email_key, display_name, type, is_active, is_verified)
        SELECT n, n || '@uni.test', n, n || '@uni.test', initcap(n), CASE WHEN i % 4 = 0 THEN 'faculty' ELSE 'student' END,
               i % 7 <> 0, i % 3 <> 0
        FROM (SELECT i, CASE WHEN i % 80 = 0 THEN 'rare' ELSE 'bulk' END || lpad(i::text, 5, '0') AS n
              FROM generate_series(1, 20000) i) s""");
    fx.sql("VACUUM ANALYZE users");
  }

  /**
   * Twelve executions of each shape on one connection (pgjdbc names a statement at its fifth), with values
   * that vary as a client's do: by the end, PostgreSQL must be executing the generic plan.
   */
  @Test
  void everyListingShape_keepsOneGenericPlan() throws Exception {
    record Shape(String name, UserStore.Filter filter, boolean cursor, boolean offset) {}
    UserStore.Filter all = new UserStore.Filter(null, null, null, null, null);
    long department = fx.count("INSERT INTO departments (code, name) VALUES ('plans', 'Plans') RETURNING id");
    fx.sql("UPDATE users SET department_id = ? WHERE id % 5 = 0", department);
    fx.sql("ANALYZE users");
    List<Shape> shapes = List.of(
        new Shape("cursor", all, true, false),
        new Shape("offset", all, false, true),
        new Shape("type and offset", new UserStore.Filter("faculty", null, null, null, null), false, true),
        new Shape("active, verified, cursor", new UserStore.Filter(null, null, true, false, null), true, false),
        new Shape("department", new UserStore.Filter(null, department, null, null, null), false, false),
        new Shape("department and offset", new UserStore.Filter(null, department, null, null, null), false, true),
        new Shape("prefix", new UserStore.Filter(null, null, null, null, "bulk"), false, false),
        new Shape("prefix and cursor", new UserStore.Filter(null, null, null, null, "rare"), true, false),
        new Shape("prefix and offset", new UserStore.Filter(null, null, null, null, "bulk"), false, true),
        new Shape("prefix, type and offset", new UserStore.Filter("student", null, null, null, "bulk"), false, true));
    try (Connection c = DriverManager.getConnection(server.jdbcUrl())) {
      for (Shape shape : shapes) {
        for (int i = 0; i < 12; i++) {
          UserListing.page(c, shape.filter(), 50, shape.cursor() ? 100 + 37L * i : 0, shape.offset() ? 50 + 97 * i : 0);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            + " WHERE statement LIKE '/* users.page */%' ORDER BY prepare_time DESC LIMIT 1");
            ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).as("%s: prepared", shape.name()).isTrue();
          assertThat(rs.getLong(1)).as("%s: executions of the generic plan (custom plans: %d)", shape.name(),
              rs.getLong(2)).isPositive();
        }
      }
    }
  }
}
