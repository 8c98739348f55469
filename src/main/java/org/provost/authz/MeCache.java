package org.provost.authz;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.LongAdder;
import org.provost.db.Database;
import org.provost.error.ServiceException;
import org.provost.http.FillThreads;
import org.provost.http.Principal;
import org.provost.http.Reply;

/**
 * {@code /v1/me} bodies per user, served from memory. A body is rebuilt from the authorization index, in
 * memory, when the index says the user's grants, the roles or the directory changed, or when one of the
 * user's grants starts or ends; only the account's own fields come from PostgreSQL, read once and again only
 * after the user's row (or the directory, which names the department) changed. So a grant or revoke never
 * sends /v1/me to PostgreSQL, and /v1/me keeps answering at memory speed while the SQL lane or PostgreSQL is
 * saturated, for every user whose account it has read.
 */
public final class MeCache {
  private static final int MAX_ENTRIES = 200_000;
  /** Reads of an account for one reply before giving up with 503: it changed during each of them. */
  private static final int READS = 3;
  private static final byte[] REVISION = ",\"revision\":".getBytes(StandardCharsets.US_ASCII);

  private final Database db;
  private final AuthzIndex index;
  private final Clock clock;
  private final Map<Long, Entry> entries = new ConcurrentHashMap<>();
  private final Map<Long, Account> accounts = new ConcurrentHashMap<>();
  /** One read per user at a time: concurrent misses for the same user share it. */
  private final Map<Long, CompletableFuture<Account>> reading = new ConcurrentHashMap<>();

  private final LongAdder hits = new LongAdder();
  private final LongAdder rebuilds = new LongAdder();
  private final LongAdder misses = new LongAdder();

  /** Replies served from a body already built, since start. */
  public long hits() {
    return hits.sum();
  }

  /** Replies whose body was rebuilt from the index in memory (the account's fields still current), since start. */
  public long rebuilds() {
    return rebuilds.sum();
  }

  /** Replies that had to read the account from PostgreSQL (or wait for that read), since start. */
  public long misses() {
    return misses.sum();
  }

  /** The body without its closing brace, so a revision can be appended; valid until {@code expiresAt} (ms). */
  private record Entry(long builtAt, long expiresAt, Buffer open) {}

  /** The account's fields as read at index revision {@code readAt}. */
  private record Account(long readAt, JsonObject json) {}

  public MeCache(Database db, AuthzIndex index, Clock clock) {
    this.db = db;
    this.index = index;
    this.clock = clock;
  }

  /**
   * The caller's /v1/me: at once from memory, or (the account not read yet, or changed) once its row has
   * been read on {@code fills} ({@link FillThreads}: the process's priority) through the fill pool; 503
   * {@code database_busy} when every fill thread is taken.
   *
   * @throws ServiceException.InvalidInput for an API key, which has no /v1/me
   */
  public Reply reply(Principal who, ExecutorService fills) {
    if (!who.isUser()) throw new ServiceException.InvalidInput("Authorization", "an API key has no /v1/me");
    long user = who.id();
    // the revision first: every change up to it is visible below, so an unchanged body is current as of it
    long revision = index.revision();
    long now = clock.millis();
    Entry e = entries.get(user);
    if (e != null && now < e.expiresAt() && e.builtAt() >= index.changedAt(user)) {
      hits.increment();
      return encode(e, revision);
    }
    Account a = accounts.get(user);
    Entry rebuilt = a == null ? null : assemble(user, a, now);
    if (rebuilt != null) {
      rebuilds.increment();
      return encode(rebuilt, rebuilt.builtAt());
    }
    misses.increment();
    return Reply.later(readAndAssemble(user, fills, READS));
  }

  /**
   * Reads the account (joining a read of it already under way), then builds the body; reads again when the
   * account changed meanwhile, at most {@code attempts} times in all.
   */
  private CompletableFuture<Reply> readAndAssemble(long user, ExecutorService fills, int attempts) {
    CompletableFuture<Account> mine = new CompletableFuture<>();
    CompletableFuture<Account> under = reading.putIfAbsent(user, mine);
    CompletableFuture<Account> read = under != null ? under : mine;
    if (under == null) {
      mine.whenComplete((account, failure) -> reading.remove(user, mine));
      try {
        fills.execute(() -> {
          try {
            mine.complete(read(user));
          } catch (Throwable t) {
            mine.completeExceptionally(t);
          }
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        mine.completeExceptionally(FillThreads.busy());
      } catch (Throwable t) {
        // no thread could be started (OutOfMemoryError): the entry must not stay for others to join forever
        mine.completeExceptionally(t);
        throw t;
      }
    }
    return read.thenCompose(account -> {
      Entry built = assemble(user, account, clock.millis());
      if (built != null) return CompletableFuture.completedFuture(encode(built, built.builtAt()));
      // a new read: this one, done, may still be listed (its own removal can run after this)
      reading.remove(user, read);
      if (attempts > 1) return readAndAssemble(user, fills, attempts - 1);
      throw new ServiceException.Unavailable("account_changing", "the account changed during each of "
          + READS + " reads of it; retry shortly");
    });
  }

  private Account read(long user) {
    long readAt = index.revision();
    Account a = new Account(readAt, db.fill(c -> Me.account(c, user)));
    if (accounts.size() >= MAX_ENTRIES) accounts.clear();
    accounts.put(user, a);
    return a;
  }

  /**
   * The body from the index as of its current revision (builtAt, read before the view), or null when the
   * account is not current at that revision: a change of the account applied since it was read may have
   * committed after the read, and the body would show the old account under a revision that includes the
   * change (and, cached, go on showing it).
   */
  private Entry assemble(long user, Account account, long now) {
    long builtAt = index.revision();
    if (index.rowChangedAt(user) > account.readAt()) return null;
    Buffer encoded = Me.body(account.json(), index.view(user, now)).toBuffer();
    Entry e = new Entry(builtAt, index.nextValidityBoundary(user, now), encoded.getBuffer(0, encoded.length() - 1));
    if (entries.size() >= MAX_ENTRIES) entries.clear();
    entries.put(user, e);
    return e;
  }

  private static Reply encode(Entry e, long revision) {
    return Reply.okEncoded(Buffer.buffer(e.open().length() + 32).appendBuffer(e.open()).appendBytes(REVISION)
        .appendString(Long.toString(revision)).appendByte((byte) '}'));
  }
}
