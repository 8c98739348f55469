package org.provost.users;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.AccessFixture;
import org.provost.testing.ProvostServer;
import org.provost.testing.Scrape;
import org.provost.testing.Waits;

/**
 * The in-memory user search at its edges, each against PostgreSQL's own answer (UserSearchTest.compare):
 * matches clustered far from the cursor (the walk in id order gives up and the matches are gathered instead),
 * and a user id beyond what the index can hold (only possible by plain SQL), which sends every search to SQL.
 */
class UserSearchLimitsTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().directory().build();
  static final AccessFixture fx = server.fixture();

  @Test
  void matchesClusteredBehindTheCursor_areFound_whicheverWayTheIndexLooks() {
    // 3,000 "clu" users first, then 9,000 others: past the cluster a walk in id order would test every later user
    fx.sql("INSERT INTO users (username, email, username_key, email_key, display_name, type) SELECT 'clu' || i,"
        + " 'clu' || i || '@limits.test', 'clu' || i, 'clu' || i || '@limits.test', 'Cluster ' || i, 'student'"
        + " FROM generate_series(1, 3000) i");
    fx.sql("INSERT INTO users (username, email, username_key, email_key, display_name, type) SELECT 'far' || i,"
        + " 'far' || i || '@limits.test', 'far' || i, 'far' || i || '@limits.test', 'Far ' || i, 'student'"
        + " FROM generate_series(1, 9000) i");
    long lastClu = fx.count("SELECT max(id) FROM users WHERE username LIKE 'clu%'");
    // until the index has loaded them (after the other test here, 5 s after a search finds the big id gone),
    // searches run in SQL: compared either way, until they have come from memory for a whole round
    long deadline = System.nanoTime() + 30_000_000_000L;
    boolean fromMemory = false;
    while (!fromMemory && System.nanoTime() < deadline) {
      double before = memory();
      double sql = sql();
      for (long after : new long[] {0, lastClu - 60, lastClu - 10, lastClu, lastClu + 5000}) {
        UserSearchTest.compare(server, "clu", 50, after, "cluster");
        UserSearchTest.compare(server, "CLU1", 50, after, "cluster");
      }
      fromMemory = memory() == before + 10 && sql() == sql;
      if (!fromMemory) Waits.sleep(200);
    }
    assertThat(fromMemory).as("a whole round answered from memory").isTrue();
  }

  @Test
  void aUserIdBeyondTheIndex_sendsSearchesToSql_andTheyFindIt() {
    fx.sql("INSERT INTO users (id, username, email, username_key, email_key, display_name, type) VALUES"
        + " (3000000000, 'zzbig', 'zzbig@limits.test', 'zzbig', 'zzbig@limits.test', 'Yy Big', 'staff')");
    try {
      for (int i = 0; i < 3; i++) {
        UserSearchTest.compare(server, "zzbig", 5, 0, "big id");
        UserSearchTest.compare(server, "yy", 5, 2147483646, "after near the int range's end");
        UserSearchTest.compare(server, "yy", 5, 2147483647, "after at its end");
        UserSearchTest.compare(server, "yy", 5, 2999999999L, "after beyond it");
      }
    } finally {
      fx.sql("DELETE FROM users WHERE id = 3000000000");
    }
  }

  private static double sql() {
    return Scrape.of(server).sum("provost_users_search_total", "source", "sql");
  }

  private static double memory() {
    return Scrape.of(server).sum("provost_users_search_total", "source", "memory");
  }
}
