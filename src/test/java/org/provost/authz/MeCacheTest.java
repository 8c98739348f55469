package org.provost.authz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.db.Changelog;
import org.provost.db.Jdbc;
import org.provost.error.ServiceException;
import org.provost.feed.Change;
import org.provost.http.Principal;
import org.provost.http.Reply;
import org.provost.testing.MigratedDatabase;

/**
 * {@link MeCache} against a real database and an index that applies changes only when the test hands them
 * over. The race of the review: the account is read, then (before the body is built) a change of it
 * commits and the index applies it. The body must not show the old account under a revision that includes
 * the change, neither in that reply nor, cached, in the next one.
 */
class MeCacheTest {
  @RegisterExtension
  static final MigratedDatabase.PerClass database = MigratedDatabase.perClass();

  @Test
  void anAccountChangeAppliedBetweenItsReadAndTheBody_isReadAgain_neverShownUnderTheNewRevision() throws Exception {
    long user = staff("mecache", "Old Name");
    try (AuthzIndex index = AuthzIndex.load(database.db());
        ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor()) {
      // the clock is read at the top of a reply, then once after each read of the account: the change lands
      // at the first read after the account was read
      AtomicInteger readings = new AtomicInteger();
      Clock clock = new Clock() {
        @Override
        public long millis() {
          if (readings.incrementAndGet() == 2) rename(index, user);
          return System.currentTimeMillis();
        }

        @Override
        public Instant instant() {
          return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
          return this;
        }
      };
      MeCache me = new MeCache(database.db(), index, clock);
      Principal who = Principal.user(user, "mecache", 1);
      JsonObject first = body(me.reply(who, blocking));
      long renamedAt = index.rowChangedAt(user);
      assertThat(renamedAt).as("the rename was applied during the first reply").isGreaterThan(0);
      assertThat(first.getLong("revision")).isGreaterThanOrEqualTo(renamedAt);
      assertThat(first.getJsonObject("user").getString("display_name"))
          .as("the first reply claims revision %d, which includes the rename", first.getLong("revision"))
          .isEqualTo("New Name");
      JsonObject second = body(me.reply(who, blocking));
      assertThat(second.getJsonObject("user").getString("display_name")).as("the cached body").isEqualTo("New Name");
      assertThat(me.misses()).as("one reply read the account (twice), the next none").isEqualTo(1);
      assertThat(me.hits()).isEqualTo(1);
    }
  }

  @Test
  void aReadNoFillThreadTakes_answers503_andLeavesNothingForTheNextReplyToJoin() throws Exception {
    long user = staff("mebusy", "Busy");
    ExecutorService full = Executors.newSingleThreadExecutor();
    full.shutdown(); // refuses every task, as FillThreads does when all of its threads are taken
    try (AuthzIndex index = AuthzIndex.load(database.db());
        ExecutorService fills = Executors.newVirtualThreadPerTaskExecutor()) {
      MeCache me = new MeCache(database.db(), index, Clock.systemUTC());
      Principal who = Principal.user(user, "mebusy", 1);
      assertThatThrownBy(() -> body(me.reply(who, full))).hasCauseInstanceOf(ServiceException.Unavailable.class)
          .cause().hasMessageContaining("cache fills are running");
      assertThat(body(me.reply(who, fills)).getJsonObject("user").getString("display_name")).isEqualTo("Busy");
      // a thread that cannot start at all (OutOfMemoryError): the error surfaces, and nothing is left behind
      Executor failing = task -> { throw new OutOfMemoryError("unable to create native thread"); };
      Principal other = Principal.user(user, "mebusy", 2);
      MeCache fresh = new MeCache(database.db(), index, Clock.systemUTC());
      assertThatThrownBy(() -> fresh.reply(other, asService(failing))).isInstanceOf(OutOfMemoryError.class);
      assertThat(body(fresh.reply(other, fills)).getJsonObject("user").getString("display_name")).isEqualTo("Busy");
    }
  }

  private static ExecutorService asService(Executor executor) {
    return new java.util.concurrent.AbstractExecutorService() {
      @Override
      public void execute(Runnable command) {
        executor.execute(command);
      }

      @Override
      public void shutdown() { }

      @Override
      public java.util.List<Runnable> shutdownNow() {
        return java.util.List.of();
      }

      @Override
      public boolean isShutdown() {
        return false;
      }

      @Override
      public boolean isTerminated() {
        return false;
      }

      @Override
      public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
      }
    };
  }

  /** A new staff account named {@code username}, recorded in the changelog; its id. */
  private static long staff(String username, String displayName) {
    return database.db().write(c -> {
      long id = Jdbc.returningLong(c, "INSERT INTO users (username, email, username_key, email_key, type,"
          + " display_name) VALUES (?, ?, ?, ?, 'staff', ?) RETURNING id", username, username + "@x.example",
          username, username + "@x.example", displayName);
      Changelog.recordUser(c, id, Change.Op.CREATE);
      return id;
    });
  }

  private static void rename(AuthzIndex index, long user) {
    long before = index.revision();
    database.db().write(c -> {
      Jdbc.update(c, "UPDATE users SET display_name = 'New Name' WHERE id = ?", user);
      return Changelog.recordUser(c, user, Change.Op.UPDATE);
    });
    index.apply(FeedEntries.after(database.db(), before));
  }

  private static JsonObject body(Reply reply) throws Exception {
    Reply done = reply.pending() == null ? reply : reply.pending().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new JsonObject(done.encoded());
  }
}
