package org.provost.authz;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.db.Changelog;
import org.provost.feed.Change;
import org.provost.testing.MigratedDatabase;

/**
 * When a write that holds the writer lock may wait for this instance's index instead of deciding by SQL: an
 * index loaded without a change feed stays behind every change committed after its load, so each wait
 * here can only run out, and the count of waits that ran out says whether one was tried.
 */
class IndexCatchUpTest {
  @RegisterExtension
  static final MigratedDatabase.PerClass database = MigratedDatabase.perClass();

  private static void commitAChange() {
    database.db().write(c -> Changelog.record(c, Change.Entity.ROLE, 1, Change.Op.UPDATE, Change.NO_USER));
  }

  @Test
  void aWriteThatRecordedItsOwnChange_decidesBySql_withoutWaitingForTheIndex() {
    try (AuthzIndex index = AuthzIndex.load(database.db())) {
      ConsistentAuthorizer authorizer = new ConsistentAuthorizer(index);
      Authorizer chosen = database.db().write(c -> {
        Changelog.record(c, Change.Entity.ROLE, 1, Change.Op.UPDATE, Change.NO_USER);
        return authorizer.forTransaction(c);
      });
      assertThat(chosen).isNotSameAs(index);
      assertThat(index.missedCatchUps()).isZero();
    }
  }

  @Test
  void aWriteWaitsForALaggingIndexAtMostOnce_thenDecidesBySql() {
    try (AuthzIndex index = AuthzIndex.load(database.db())) {
      commitAChange(); // the index never applies it: it has no feed
      ConsistentAuthorizer authorizer = new ConsistentAuthorizer(index);
      database.db().write(c -> {
        Changelog.lock(c);
        assertThat(authorizer.forTransaction(c)).isNotSameAs(index);
        assertThat(authorizer.forTransaction(c)).isNotSameAs(index);
        return null;
      });
      assertThat(index.missedCatchUps()).isOne();
    }
  }

  @Test
  void aCurrentIndex_answersAtOnce() {
    commitAChange();
    try (AuthzIndex index = AuthzIndex.load(database.db())) {
      ConsistentAuthorizer authorizer = new ConsistentAuthorizer(index);
      Authorizer chosen = database.db().write(c -> {
        Changelog.lock(c);
        return authorizer.forTransaction(c);
      });
      assertThat(chosen).isSameAs(index);
      assertThat(index.missedCatchUps()).isZero();
    }
  }
}
