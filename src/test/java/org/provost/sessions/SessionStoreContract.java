package org.provost.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.provost.security.Tokens;

/**
 * The one contract every {@link SessionStore} backend passes (in the manner of OpenFGA's and SpiceDB's shared
 * datastore suites): a subclass per backend says how to open another store on the same backend and how to
 * make a user. Time is the {@code now} each call takes, moved by the tests: no sleeps.
 */
abstract class SessionStoreContract {
  static final long IDLE = Duration.ofMinutes(30).toMillis();
  static final long LIFETIME = Duration.ofHours(12).toMillis();
  static final long T0 = 1_788_249_600_000L; // 2026-09-01T08:00:00Z

  /** Another store (another instance) on this test's backend, with the idle timeout {@link #IDLE}. */
  abstract SessionStore store();

  /** A user the backend accepts sessions for, new for each call. */
  abstract long newUser(String username);

  static byte[] newHash() {
    return Tokens.hash(Tokens.newToken(Tokens.SESSION_PREFIX));
  }

  @Test
  void create_thenFind_returnsTheSessionAsRecorded() {
    SessionStore store = store();
    long ada = newUser("ada");
    byte[] hash = newHash();
    long id = store.create(hash, ada, "ada", T0, T0 + LIFETIME);
    Optional<SessionStore.Session> found = store.find(hash, T0 + 1000);
    assertThat(id).isPositive();
    assertThat(found).isPresent();
    assertThat(found.get().id()).isEqualTo(id);
    assertThat(found.get().userId()).isEqualTo(ada);
    assertThat(found.get().username()).isEqualTo("ada");
    assertThat(found.get().expiresAt()).isEqualTo(T0 + LIFETIME);
    assertThat(found.get().lastSeen()).isEqualTo(T0);
  }

  @Test
  void find_anUnknownToken_isEmpty_andTwoSessionsOfOneUserAreDistinct() {
    SessionStore store = store();
    long bo = newUser("bo");
    byte[] first = newHash();
    byte[] second = newHash();
    long a = store.create(first, bo, "bo", T0, T0 + LIFETIME);
    long b = store.create(second, bo, "bo", T0, T0 + LIFETIME);
    assertThat(a).isNotEqualTo(b);
    assertThat(store.find(first, T0).orElseThrow().id()).isEqualTo(a);
    assertThat(store.find(second, T0).orElseThrow().id()).isEqualTo(b);
    assertThat(store.find(newHash(), T0)).isEmpty();
  }

  @Test
  void aSessionUnusedForTheIdleTimeout_expires_butATouchSlidesIt() {
    SessionStore store = store();
    long cy = newUser("cy");
    byte[] hash = newHash();
    long id = store.create(hash, cy, "cy", T0, T0 + LIFETIME);
    assertThat(store.find(hash, T0 + IDLE)).isPresent();
    store.touch(hash, id, T0 + IDLE);
    assertThat(store.find(hash, T0 + 2 * IDLE)).isPresent();
    assertThat(store.find(hash, T0 + 2 * IDLE + 1)).isEmpty();
    assertThat(store.live(cy, T0 + 2 * IDLE + 1)).isEmpty();
  }

  @Test
  void aTouchNeverMovesTheIdleClockBack() {
    SessionStore store = store();
    long di = newUser("di");
    byte[] hash = newHash();
    long id = store.create(hash, di, "di", T0, T0 + LIFETIME);
    store.touch(hash, id, T0 + 20 * 60_000);
    store.touch(hash, id, T0 + 5 * 60_000);
    assertThat(store.find(hash, T0 + 20 * 60_000 + IDLE)).isPresent();
    assertThat(store.find(hash, T0 + 20 * 60_000).orElseThrow().lastSeen()).isEqualTo(T0 + 20 * 60_000);
  }

  @Test
  void aSessionEndsAtItsAbsoluteLifetime_evenWhenUsed() {
    SessionStore store = store();
    long ed = newUser("ed");
    byte[] hash = newHash();
    long lifetime = 2 * IDLE;
    long id = store.create(hash, ed, "ed", T0, T0 + lifetime);
    for (long t = T0 + 20 * 60_000; t < T0 + lifetime; t += 20 * 60_000) {
      store.touch(hash, id, t);
      assertThat(store.find(hash, t)).isPresent();
    }
    store.touch(hash, id, T0 + lifetime - 1);
    assertThat(store.find(hash, T0 + lifetime - 1)).isPresent();
    assertThat(store.find(hash, T0 + lifetime)).isEmpty();
  }

  @Test
  void end_endsThatSessionOnly_andOnlyForItsOwnUser() {
    SessionStore store = store();
    long fay = newUser("fay");
    long gus = newUser("gus");
    byte[] one = newHash();
    byte[] two = newHash();
    long first = store.create(one, fay, "fay", T0, T0 + LIFETIME);
    store.create(two, fay, "fay", T0, T0 + LIFETIME);
    assertThat(store.end(first, gus)).isFalse();
    assertThat(store.find(one, T0)).isPresent();
    assertThat(store.end(first, fay)).isTrue();
    assertThat(store.end(first, fay)).isFalse();
    assertThat(store.find(one, T0)).isEmpty();
    assertThat(store.find(two, T0)).isPresent();
  }

  @Test
  void endAll_endsEverySessionOfTheUserButTheOneKept_andNoOneElses() {
    SessionStore store = store();
    long hal = newUser("hal");
    long ivy = newUser("ivy");
    List<byte[]> hals = new ArrayList<>();
    for (int i = 0; i < 3; i++) hals.add(newHash());
    long kept = store.create(hals.get(0), hal, "hal", T0, T0 + LIFETIME);
    store.create(hals.get(1), hal, "hal", T0, T0 + LIFETIME);
    store.create(hals.get(2), hal, "hal", T0, T0 + LIFETIME);
    byte[] ivys = newHash();
    store.create(ivys, ivy, "ivy", T0, T0 + LIFETIME);

    store.endAll(hal, kept); // a password change keeps the session that made it
    assertThat(store.find(hals.get(0), T0)).isPresent();
    assertThat(store.find(hals.get(1), T0)).isEmpty();
    assertThat(store.find(hals.get(2), T0)).isEmpty();
    assertThat(store.live(hal, T0)).extracting(SessionStore.Session::id).containsExactly(kept);

    store.endAll(hal, 0); // deactivation keeps none
    assertThat(store.find(hals.get(0), T0)).isEmpty();
    assertThat(store.live(hal, T0)).isEmpty();
    assertThat(store.find(ivys, T0)).isPresent();
  }

  @Test
  void live_listsTheUsersLiveSessionsOldestFirst() {
    SessionStore store = store();
    long jo = newUser("jo");
    byte[] a = newHash();
    byte[] b = newHash();
    byte[] c = newHash();
    long first = store.create(a, jo, "jo", T0, T0 + LIFETIME);
    long second = store.create(b, jo, "jo", T0, T0 + LIFETIME);
    long third = store.create(c, jo, "jo", T0, T0 + IDLE / 2);
    assertThat(store.live(jo, T0 + 1)).extracting(SessionStore.Session::id).containsExactly(first, second, third);
    store.end(second, jo);
    assertThat(store.live(jo, T0 + IDLE / 2)).extracting(SessionStore.Session::id).containsExactly(first);
  }

  @Test
  void concurrentTouches_leaveTheLatestTime() throws Exception {
    SessionStore store = store();
    long kai = newUser("kai");
    byte[] hash = newHash();
    long id = store.create(hash, kai, "kai", T0, T0 + LIFETIME);
    int threads = 8;
    int touches = 25;
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Long>> latest = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      for (int t = 0; t < threads; t++) {
        latest.add(pool.submit(() -> {
          go.await();
          long max = 0;
          for (int i = 0; i < touches; i++) {
            long at = T0 + ThreadLocalRandom.current().nextLong(1, IDLE);
            store.touch(hash, id, at);
            max = Math.max(max, at);
          }
          return max;
        }));
      }
      go.countDown();
      long max = 0;
      for (Future<Long> f : latest) max = Math.max(max, f.get());
      assertThat(store.find(hash, max).orElseThrow().lastSeen()).isEqualTo(max);
      assertThat(store.find(hash, max + IDLE)).isPresent();
      assertThat(store.find(hash, max + IDLE + 1)).isEmpty();
    }
  }

  @Test
  void twoStoresOnOneBackend_seeEachOthersSessionsTouchesAndEndings() {
    SessionStore a = store();
    SessionStore b = store();
    long lu = newUser("lu");
    byte[] hash = newHash();
    long id = a.create(hash, lu, "lu", T0, T0 + LIFETIME);
    assertThat(b.find(hash, T0)).map(SessionStore.Session::id).contains(id);
    b.touch(hash, id, T0 + IDLE);
    assertThat(a.find(hash, T0 + 2 * IDLE)).isPresent();
    assertThat(b.end(id, lu)).isTrue();
    assertThat(a.find(hash, T0 + IDLE)).isEmpty();

    byte[] other = newHash();
    a.create(other, lu, "lu", T0, T0 + LIFETIME);
    b.endAll(lu, 0);
    assertThat(a.find(other, T0)).isEmpty();
    assertThat(a.live(lu, T0)).isEmpty();
  }
}
