package org.provost.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.provost.db.Changelog;
import org.provost.testing.MigratedDatabase;

/**
 * The change feed's read of the changelog, which every instance runs at every poll, NOTIFY and wake: its plan
 * must read the primary key's range even as the one generic plan PostgreSQL keeps for a statement after five
 * runs, with statistics older than the table (autovacuum off, or not yet run after a burst of writes); and it
 * must deliver every change, in order, across gaps in the revisions and more changes than one read takes.
 */
class ChangeFeedReadTest {
  @Test
  void genericPlan_readsTheKeyRange_evenWhenTheStatisticsAreStale() throws Exception {
    try (MigratedDatabase database = MigratedDatabase.create();
         Connection c = database.db.primary().getConnection();
         Statement st = c.createStatement()) {
      st.execute("ALTER TABLE changelog SET (autovacuum_enabled = false)");
      st.execute("ANALYZE changelog"); // a handful of rows, as after migrating
      st.execute("INSERT INTO changelog (entity, entity_id, op) SELECT 'user', g::text, 'update'"
          + " FROM generate_series(1, 30000) g");
      st.execute("SET plan_cache_mode = force_generic_plan");
      st.execute("PREPARE feed_read(bigint, bigint) AS " + ChangeFeed.SELECT.replaceFirst("\\?", "\\$1")
          .replaceFirst("\\?", "\\$2"));
      List<String> plan = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("EXPLAIN EXECUTE feed_read(29000, 29000)")) {
        while (rs.next()) plan.add(rs.getString(1));
      }
      // the open form 'revision > ? ORDER BY revision LIMIT 10000' was a sequential scan of all 30,000 rows
      // and a sort here; the window is read through the key (an index or bitmap scan, as estimates go)
      assertThat(plan).as(String.join("\n", plan)).noneMatch(line -> line.contains("Seq Scan"))
          .anyMatch(line -> line.contains("Index Cond: ((revision > $1) AND (revision < "));
    }
  }

  @Test
  void everyChange_isApplied_inOrder_acrossGapsAndMoreThanOneRead_onOneWake() throws Exception {
    try (MigratedDatabase database = MigratedDatabase.create()) {
      long start = database.db.readPrimary(Changelog::current);
      List<Change> seen = new CopyOnWriteArrayList<>();
      // a poll far beyond the wait below: only the NOTIFY of the last change wakes the feed, and one wake must
      // read every window up to it
      ChangeFeed feed = new ChangeFeed(() -> database.db.primary().getConnection(), start, 600_000);
      feed.subscribe(seen::addAll);
      feed.start();
      try {
        long last = database.db.write(c -> {
          try (Statement st = c.createStatement()) {
            // more changes than one read spans, then a gap wider than a read, then one more change
            st.execute("INSERT INTO changelog (entity, entity_id, op, user_id) SELECT 'user', g::text, 'update', g"
                + " FROM generate_series(1, " + (ChangeFeed.BATCH_SPAN + 2_500) + ") g");
            st.execute("SELECT setval(pg_get_serial_sequence('changelog', 'revision'),"
                + " (SELECT max(revision) FROM changelog) + " + (3 * ChangeFeed.BATCH_SPAN) + ")");
          }
          return Changelog.recordUser(c, 7, Change.Op.UPDATE);
        });
        assertThat(feed.awaitApplied(last, 30_000)).as("applied up to the change after the gap").isTrue();
        assertThat(seen).hasSize(ChangeFeed.BATCH_SPAN + 2_501);
        assertThat(seen).extracting(Change::revision).isSorted().doesNotHaveDuplicates();
        assertThat(seen.getLast().revision()).isEqualTo(last);
        assertThat(seen.getLast().userId()).isEqualTo(7);
      } finally {
        feed.close();
      }
    }
  }
}
