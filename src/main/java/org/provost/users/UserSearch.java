package org.provost.users;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.provost.db.Database;
import org.provost.db.OwnConnection;
import org.provost.feed.Change;
import org.provost.ops.ThreadPriority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The candidates of a {@code q=} search of {@code GET /v1/users}, from memory: every user's three searched
 * columns as PostgreSQL stores them lowered (username, email and display name; migration V41), and for each
 * column the user ids in that column's byte order, so the users whose column starts with a prefix are one
 * range found by binary search. {@link UserListing} reads just those users by id, and in the same statement
 * checks that the users table's version ({@code users_version}, bumped by every statement that writes users,
 * by any writer, in commit order: V43) is still the one this index reflects; when it is not, or this index
 * is not loaded, the search runs in SQL as before and this index catches up. So it only makes a page faster,
 * never different.
 *
 * <p>Why: the SQL search costs PostgreSQL 2-4 times the CPU of a plain page (probes, three prefix-index
 * ranges and a plan large enough for its start-up to dominate; docs/PERFORMANCE.md); from memory it costs a
 * read of one page of rows by primary key.
 *
 * <p>State: an immutable base (the keys by id and the three sorted orders, built at once) and the users
 * changed since, with their keys now; searches read it through one volatile field. One thread of its own,
 * at the SQL lane's lowered priority, is the only writer: it loads everything at start, catches up (the
 * version, and the users whose {@code change_seq} is above the highest it has read, in one snapshot on its own
 * connection) when the change feed reports a user change or a bulk load, or when a search found it behind;
 * it builds a new base once the changed users outnumber {@code 64 + users / 32} (at most 1,024), and loads
 * everything again when a catch-up finds more than that, when a search found a candidate gone (deleted
 * outside Provost), and every {@link #RELOAD_MINUTES} minutes. The change feed's thread never waits for it.
 * A user id beyond {@link #MAX_ID} (only possible by plain SQL: the authorization index refuses them too)
 * leaves it unloaded: searches run in SQL. Memory: about 100 bytes per user, the keys and the three orders
 * (measured: 100 MB of heap at 1M users, docs/PERFORMANCE.md; about 1 MB for the seeded university).
 *
 * <p>One gap, the users change feed's too: a row inserted outside Provost (psql), or updated by a statement
 * that sets {@code change_seq} itself, is numbered without the changelog's lock, so its transaction may commit
 * after a later-numbered change was caught up; searches served from memory then miss that row until the next
 * full load (at most {@link #RELOAD_MINUTES} minutes). Every write of Provost's (API, import, seed), and every
 * other update (the trigger takes the lock), is numbered in commit order.
 */
public final class UserSearch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UserSearch.class);
  /** Ranges holding at most this many ids are gathered and sorted; wider ones are walked in id order. */
  static final int FEW = 2000;
  /** How often everything is loaded again (the gap above): minutes. */
  public static final int RELOAD_MINUTES = 10;
  /** The highest user id this index holds (its arrays are indexed by id). */
  static final int MAX_ID = Integer.MAX_VALUE - 9;
  private static final int COLUMNS = 3;
  private static final byte SEPARATOR = 0; // PostgreSQL text holds no NUL
  private static final int[] NO_IDS = new int[0];
  private static final byte[][] NO_KEYS = new byte[0][];
  private static final String ROW = "id, username_lower, email_lower, display_name_lower, change_seq";
  private static final State UNLOADED = new State(null, NO_IDS, NO_KEYS, -1, 0);

  /** Keys by user id (null: no such user) and, per column, the ids that have a key, in that column's order. */
  private record Base(byte[][] keys, int[][] orders) {}

  /**
   * What a search reads, swapped whole: {@code base} (null until loaded), the users changed since it was built
   * ({@code dirtyIds} ascending, their keys now in {@code dirtyKeys}, null for no such user), {@code through},
   * the {@code users_version} whose users it reflects, and {@code lastSeq}, the highest {@code change_seq} it
   * has read (where the next catch-up starts).
   */
  private record State(Base base, int[] dirtyIds, byte[][] dirtyKeys, long through, long lastSeq) {}

  /** The ids matching a prefix after a cursor, ascending, at most as many as asked for; {@code through} as above. */
  record Hit(long[] ids, long through) {}

  private final OwnConnection own;
  private final ExecutorService writer;
  private final AtomicBoolean catchUpAsked = new AtomicBoolean();
  private final AtomicBoolean reloadAsked = new AtomicBoolean();
  private volatile State state = UNLOADED;
  /** When an unloaded index may try to load again (System.nanoTime), so failing loads are not repeated at once. */
  private volatile long loadAgainAt;
  /** Whether {@link #unusable} has warned since the last load (the writer thread's alone). */
  private boolean warned;
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong fellBack = new AtomicLong();

  /**
   * @param niceIncrement the nice steps below the process at which loads and catch-ups run (0 to 19)
   * @throws IllegalArgumentException for an increment outside 0..19
   */
  public UserSearch(Database db, int niceIncrement) {
    this.own = new OwnConnection(db);
    this.writer = ThreadPriority.pool("provost-user-search-", 1, 60, niceIncrement);
  }

  /** Starts loading every user's keys in the background; until loaded, searches run in SQL. */
  public void start() {
    reload();
  }

  /** Searches answered from memory: the page read by id was confirmed current. */
  public long answered() {
    return answered.get();
  }

  /** Searches that went to SQL: not loaded, a user changed since, or PostgreSQL lowers the prefix otherwise. */
  public long fellBack() {
    return fellBack.get();
  }

  void counted(boolean fromMemory) {
    (fromMemory ? answered : fellBack).incrementAndGet();
  }

  /**
   * The change feed's listener: a batch with a user change or a bulk load asks for a catch-up, and returns
   * at once (the feed never waits for this index).
   */
  public void apply(List<Change> batch) {
    for (Change change : batch) {
      if (change.entity() == Change.Entity.USER || change.entity() == Change.Entity.BULK) {
        catchUp();
        return;
      }
    }
  }

  /**
   * Loads everything again in the background (at start, every {@link #RELOAD_MINUTES} minutes, when a search
   * found a candidate gone); at most one load is pending at a time; searches use the current state meanwhile.
   */
  public void reload() {
    if (reloadAsked.compareAndSet(false, true)) {
      run("load", () -> {
        reloadAsked.set(false);
        loadAll();
      });
    }
  }

  /**
   * Told by a search that its snapshot's {@code users_version} was {@code seen}, not the one reflected: above
   * it, a catch-up is asked for. Below it (a replica's snapshot trailing the primary, which this index reads)
   * nothing is: the version never goes back on the primary, so a catch-up could find nothing.
   */
  void saw(long seen) {
    if (seen > state.through()) catchUp();
  }

  /** Asks for a catch-up; at most one is pending at a time. */
  void catchUp() {
    if (catchUpAsked.compareAndSet(false, true)) run("catch-up", this::caughtUp);
  }

  private void run(String what, Runnable task) {
    try {
      writer.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) { // the next catch-up or load tries again; searches run in SQL meanwhile
          LOG.warn("user search: {} failed: {}", what, e.toString());
        }
      });
    } catch (RejectedExecutionException closed) {
      // closing: nothing more to do
    }
  }

  // ---- the writer thread ----

  private void loadAll() {
    long t0 = System.nanoTime();
    long[] marks = {0, 0}; // users_version, the highest change_seq
    byte[][] keys = own.snapshot(c -> {
      marks[0] = version(c);
      int maxId;
      try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT coalesce(max(id), 0) FROM users")) {
        rs.next();
        if (rs.getLong(1) > MAX_ID) return null;
        maxId = (int) Math.max(0, rs.getLong(1)); // ids below 1 are never searched, in SQL either (id > after)
      }
      byte[][] all = new byte[maxId + 1][];
      try (PreparedStatement ps = c.prepareStatement("SELECT " + ROW + " FROM users WHERE id BETWEEN 0 AND ?")) {
        ps.setLong(1, maxId);
        ps.setFetchSize(10_000);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            all[(int) rs.getLong(1)] = key(rs.getString(2), rs.getString(3), rs.getString(4));
            marks[1] = Math.max(marks[1], rs.getLong(5));
          }
        }
      }
      return all;
    });
    if (keys == null) {
      unusable("a user id is above " + MAX_ID);
      return;
    }
    Base base = sorted(keys);
    state = new State(base, NO_IDS, NO_KEYS, marks[0], marks[1]);
    warned = false;
    LOG.info("user search loaded {} users at version {} in {} ms", base.orders()[0].length, marks[0],
        (System.nanoTime() - t0) / 1_000_000);
  }

  /** Searches go to SQL; a load is tried again 5 s on, when a search asks. Warns once until loaded again. */
  private void unusable(String why) {
    if (!warned) LOG.warn("user search: {}; searching in SQL", why);
    warned = true;
    state = UNLOADED;
    loadAgainAt = System.nanoTime() + 5_000_000_000L;
  }

  private static long version(Connection c) throws SQLException {
    try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT version FROM users_version")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  private void caughtUp() {
    catchUpAsked.set(false); // before reading: a change after this read asks again
    State s = state;
    if (s.base() == null) {
      if (System.nanoTime() - loadAgainAt >= 0) {
        try {
          loadAll();
        } catch (RuntimeException e) {
          unusable("load failed (" + e + ")");
        }
      }
      return;
    }
    int most = rebuildAt(s.base());
    TreeMap<Integer, byte[]> changed = new TreeMap<>();
    long[] marks = {s.through(), s.lastSeq()};
    boolean tooLarge = own.snapshot(c -> {
      marks[0] = version(c);
      if (marks[0] == s.through()) return false;
      try (PreparedStatement ps = c.prepareStatement("/* user_search.changed */ SELECT " + ROW
          + " FROM users WHERE change_seq > ? ORDER BY change_seq LIMIT ?")) {
        ps.setLong(1, s.lastSeq());
        ps.setInt(2, most + 1);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (rs.getLong(1) > MAX_ID) return true;
            marks[1] = rs.getLong(5);
            if (rs.getLong(1) < 0) continue; // never searched (see loadAll)
            changed.put((int) rs.getLong(1), key(rs.getString(2), rs.getString(3), rs.getString(4)));
          }
        }
      }
      return false;
    });
    if (tooLarge) {
      unusable("a user id is above " + MAX_ID);
    } else if (changed.size() > most) {
      loadAll(); // many changes (an import): one load instead of a long list of changed users
    } else if (marks[0] != s.through()) {
      State next = merged(s, changed, marks[0], marks[1]);
      state = next.dirtyIds().length > most ? rebuilt(next) : next;
    }
  }

  private static int rebuildAt(Base base) {
    return Math.min(1024, 64 + base.keys().length / 32);
  }

  private static State merged(State s, TreeMap<Integer, byte[]> changed, long through, long lastSeq) {
    TreeMap<Integer, byte[]> all = new TreeMap<>();
    for (int i = 0; i < s.dirtyIds().length; i++) all.put(s.dirtyIds()[i], s.dirtyKeys()[i]);
    all.putAll(changed);
    int[] ids = new int[all.size()];
    byte[][] keys = new byte[all.size()][];
    int i = 0;
    for (var e : all.entrySet()) {
      ids[i] = e.getKey();
      keys[i++] = e.getValue();
    }
    return new State(s.base(), ids, keys, through, lastSeq);
  }

  /** A new base: the current one with the changed users applied. */
  private static State rebuilt(State s) {
    byte[][] old = s.base().keys();
    int size = old.length;
    if (s.dirtyIds().length > 0) size = Math.max(size, s.dirtyIds()[s.dirtyIds().length - 1] + 1);
    byte[][] keys = Arrays.copyOf(old, size);
    for (int i = 0; i < s.dirtyIds().length; i++) keys[s.dirtyIds()[i]] = s.dirtyKeys()[i];
    return new State(sorted(keys), NO_IDS, NO_KEYS, s.through(), s.lastSeq());
  }

  // ---- keys and orders ----

  /** The three lowered columns as one UTF-8 array, NUL between them (a null column counts as empty). */
  static byte[] key(String username, String email, String displayName) {
    return (nz(username) + '\0' + nz(email) + '\0' + nz(displayName)).getBytes(StandardCharsets.UTF_8);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  /** Where column {@code column} (0, 1 or 2) of {@code key} starts. */
  private static int start(byte[] key, int column) {
    int at = 0;
    for (int c = 0; c < column; c++) {
      while (key[at] != SEPARATOR) at++;
      at++;
    }
    return at;
  }

  private static int end(byte[] key, int from) {
    int at = from;
    while (at < key.length && key[at] != SEPARATOR) at++;
    return at;
  }

  private static Base sorted(byte[][] keys) {
    int n = 0;
    for (byte[] k : keys) if (k != null) n++;
    int[] present = new int[n];
    n = 0;
    for (int id = 0; id < keys.length; id++) if (keys[id] != null) present[n++] = id;
    int[][] orders = new int[COLUMNS][];
    for (int c = 0; c < COLUMNS; c++) {
      // each key's column as an array of its own while sorting: the sort then compares plain arrays
      byte[][] slices = new byte[keys.length][];
      for (int id : present) {
        int from = start(keys[id], c);
        slices[id] = Arrays.copyOfRange(keys[id], from, end(keys[id], from));
      }
      int[] order = present.clone();
      mergeSort(order, new int[order.length], 0, order.length, slices);
      orders[c] = order;
    }
    return new Base(keys, orders);
  }

  /** Sorts {@code ids[from, to)} by {@code slices[id]} in unsigned byte order, stably. */
  private static void mergeSort(int[] ids, int[] tmp, int from, int to, byte[][] slices) {
    if (to - from < 2) return;
    int mid = (from + to) >>> 1;
    mergeSort(ids, tmp, from, mid, slices);
    mergeSort(ids, tmp, mid, to, slices);
    if (Arrays.compareUnsigned(slices[ids[mid - 1]], slices[ids[mid]]) <= 0) return;
    System.arraycopy(ids, from, tmp, from, to - from);
    int i = from;
    int j = mid;
    for (int k = from; k < to; k++) {
      if (j >= to || (i < mid && Arrays.compareUnsigned(slices[tmp[i]], slices[tmp[j]]) <= 0)) ids[k] = tmp[i++];
      else ids[k] = tmp[j++];
    }
  }

  /**
   * Compares column {@code column} of {@code key} with {@code prefix}: 0 when the column starts with it,
   * else the sign of the column against it in unsigned byte order.
   */
  private static int againstPrefix(byte[] key, int column, byte[] prefix) {
    int from = start(key, column);
    int to = end(key, from);
    for (int i = 0; i < prefix.length; i++) {
      if (from + i >= to) return -1;
      int d = (key[from + i] & 0xff) - (prefix[i] & 0xff);
      if (d != 0) return d;
    }
    return 0;
  }

  private static boolean matches(byte[] key, byte[] prefix) {
    if (key == null) return false;
    for (int c = 0; c < COLUMNS; c++) if (againstPrefix(key, c, prefix) == 0) return true;
    return false;
  }

  /** The first position in {@code order} whose key is at least ({@code past}: beyond) the prefix's range. */
  private static int bound(byte[][] keys, int[] order, int column, byte[] prefix, boolean past) {
    int lo = 0;
    int hi = order.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      int d = againstPrefix(keys[order[mid]], column, prefix);
      if (d < 0 || (past && d == 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  // ---- searches (any thread) ----

  /**
   * The first {@code rows} users after id {@code after} whose username, email or display name, as lowered by
   * PostgreSQL, starts with {@code lowered} (as lowered by the caller; {@link UserListing} has PostgreSQL
   * confirm it lowers the prefix the same way), ascending; null while this index is not loaded. Costs two
   * binary searches per column, then either sorting the ids of the three ranges (always when they hold at
   * most {@link #FEW}) or a walk in id order that tests each user until {@code rows} match, whichever the
   * range sizes say is cheaper. While not loaded, it asks for a load.
   */
  Hit find(String lowered, long after, int rows) {
    State s = state;
    Base base = s.base();
    if (base == null) {
      catchUp(); // loads it, once a failed load may be tried again
      return null;
    }
    if (after >= MAX_ID) return null; // beyond the ids this index holds: SQL
    byte[] prefix = lowered.getBytes(StandardCharsets.UTF_8);
    int first = (int) Math.max(after + 1, 0);
    int[] lo = new int[COLUMNS];
    int[] hi = new int[COLUMNS];
    long wide = s.dirtyIds().length;
    for (int c = 0; c < COLUMNS; c++) {
      lo[c] = bound(base.keys(), base.orders()[c], c, prefix, false);
      hi[c] = bound(base.keys(), base.orders()[c], c, prefix, true);
      wide += hi[c] - lo[c];
    }
    // the cheaper of the two: a walk tests about rows * users / matches users, each (three columns, found by
    // scanning for separators) about ten times a gather's look at one range entry; a gather then sorts the
    // matches after the cursor
    double walk = 10.0 * rows * Math.max(1, base.orders()[0].length) / Math.max(1, wide);
    double gather = wide * (1 + Math.log(Math.max(2, wide)) / Math.log(2) / 4);
    long[] ids = null;
    // matches clustered away from the cursor make a walk long: once it has tested as many users as a gather
    // would scan range entries, it gathers instead (so it costs at most about twice the cheaper of the two)
    if (wide > FEW && walk < gather) ids = walked(s, prefix, first, rows, wide / 10 + 64);
    if (ids == null) ids = gathered(s, prefix, first, lo, hi, rows);
    return new Hit(ids, s.through());
  }

  /** Few matches: those of the three ranges and of the changed users, sorted, the first {@code rows}. */
  private static long[] gathered(State s, byte[] prefix, int first, int[] lo, int[] hi, int rows) {
    Base base = s.base();
    int n = s.dirtyIds().length;
    for (int c = 0; c < COLUMNS; c++) n += hi[c] - lo[c];
    int[] found = new int[n];
    n = 0;
    for (int c = 0; c < COLUMNS; c++) {
      int[] order = base.orders()[c];
      for (int i = lo[c]; i < hi[c]; i++) {
        int id = order[i];
        if (id >= first && Arrays.binarySearch(s.dirtyIds(), id) < 0) found[n++] = id;
      }
    }
    for (int i = 0; i < s.dirtyIds().length; i++) {
      if (s.dirtyIds()[i] >= first && matches(s.dirtyKeys()[i], prefix)) found[n++] = s.dirtyIds()[i];
    }
    Arrays.sort(found, 0, n);
    long[] ids = new long[Math.min(n, rows)];
    int k = 0;
    for (int i = 0; i < n && k < ids.length; i++) {
      if (i > 0 && found[i] == found[i - 1]) continue;
      ids[k++] = found[i];
    }
    return Arrays.copyOf(ids, k);
  }

  /**
   * Many matches: the users in id order from {@code first}, each tested, until {@code rows} match; null when
   * that took more than {@code budget} users.
   */
  private static long[] walked(State s, byte[] prefix, int first, int rows, long budget) {
    byte[][] keys = s.base().keys();
    int[] dirty = s.dirtyIds();
    int end = keys.length;
    if (dirty.length > 0) end = Math.max(end, dirty[dirty.length - 1] + 1);
    int j = Arrays.binarySearch(dirty, first);
    if (j < 0) j = -j - 1;
    long[] ids = new long[rows];
    int n = 0;
    for (int id = first; id < end && n < rows; id++) {
      if (--budget < 0) return null;
      byte[] key;
      if (j < dirty.length && dirty[j] == id) key = s.dirtyKeys()[j++];
      else key = id < keys.length ? keys[id] : null;
      if (matches(key, prefix)) ids[n++] = id;
    }
    return Arrays.copyOf(ids, n);
  }

  /** Stops the writer thread and closes the own connection (after the change feed has stopped). */
  @Override
  public void close() {
    writer.shutdownNow();
    try {
      writer.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    own.close();
  }
}
