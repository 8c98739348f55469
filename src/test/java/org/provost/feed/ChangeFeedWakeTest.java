package org.provost.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.provost.db.Changelog;
import org.provost.testing.MigratedDatabase;

/**
 * {@link ChangeFeed#wake} applies a published revision through a pooled connection even when the feed's own
 * LISTEN connection cannot be opened at all (so neither NOTIFY nor the poll could have delivered it).
 */
class ChangeFeedWakeTest {
  @Test
  void wake_appliesTheChange_whileTheListenConnectionIsDown() throws Exception {
    try (MigratedDatabase database = MigratedDatabase.create()) {
      long start = database.db.readPrimary(Changelog::current);
      List<Change> seen = new CopyOnWriteArrayList<>();
      ChangeFeed feed = new ChangeFeed(() -> {
        throw new SQLException("the feed's direct connection is down (simulated)");
      }, start, 60_000);
      feed.subscribe(seen::addAll);
      feed.wakeWith(() -> database.db.primary().getConnection());
      feed.start();
      try {
        long revision = database.db.write(c -> Changelog.recordUser(c, 42, Change.Op.UPDATE));
        assertThat(feed.awaitApplied(revision, 200)).isFalse(); // nothing else delivers it
        feed.wake(revision);
        assertThat(feed.awaitApplied(revision, 30_000)).isTrue();
        assertThat(seen).extracting(Change::revision).contains(revision);
        assertThat(feed.wakes()).isEqualTo(1);
        feed.wake(revision); // already applied: no second read
        assertThat(feed.wakes()).isEqualTo(1);
      } finally {
        feed.close();
      }
    }
  }
}
