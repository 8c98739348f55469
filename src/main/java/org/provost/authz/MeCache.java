package org.provost.authz;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.provost.db.Database;
import org.provost.error.ServiceException;
import org.provost.http.Principal;
import org.provost.http.Reply;

/**
 * {@code /v1/me} bodies per user, built once from PostgreSQL and served from memory until the index says
 * the user, their grants or the catalogue changed, or one of their grants starts or ends.
 */
public final class MeCache {
  private static final int MAX_ENTRIES = 200_000;
  private static final byte[] REVISION = ",\"revision\":".getBytes(StandardCharsets.US_ASCII);

  private final Database db;
  private final AuthzIndex index;
  private final Clock clock;
  private final Map<Long, Entry> entries = new ConcurrentHashMap<>();
  /** One build per user at a time: concurrent misses for the same user share it. */
  private final Map<Long, CompletableFuture<Entry>> building = new ConcurrentHashMap<>();

  private final java.util.concurrent.atomic.LongAdder hits = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder misses = new java.util.concurrent.atomic.LongAdder();

  /** Replies served from memory since start. */
  public long hits() {
    return hits.sum();
  }

  /** Replies that had to be built (or waited for a build) from PostgreSQL since start. */
  public long misses() {
    return misses.sum();
  }

  /** The body without its closing brace, so the current revision can be appended. */
  private record Entry(long builtAt, long expiresAt, Buffer open) {}

  public MeCache(Database db, AuthzIndex index, Clock clock) {
    this.db = db;
    this.index = index;
    this.clock = clock;
  }

  public Reply reply(Principal who, ExecutorService blocking) {
    if (!who.isUser()) throw new ServiceException.InvalidInput("Authorization", "an API key has no /v1/me");
    long user = who.id();
    Entry e = entries.get(user);
    long now = clock.millis();
    if (e != null && now < e.expiresAt() && e.builtAt() >= index.changedAt(user)) {
      hits.increment();
      return encode(e);
    }
    misses.increment();
    CompletableFuture<Entry> build = building.computeIfAbsent(user, u -> {
      CompletableFuture<Entry> f = CompletableFuture.supplyAsync(() -> build(u), blocking);
      f.whenComplete((entry, failure) -> building.remove(u, f));
      return f;
    });
    return Reply.later(build.thenApply(this::encode));
  }

  private Entry build(long user) {
    long builtAt = index.revision();
    long now = clock.millis();
    JsonObject body = db.fill(c -> Me.describe(c, user, Instant.ofEpochMilli(now)));
    Buffer encoded = body.toBuffer();
    Entry e = new Entry(builtAt, index.nextValidityBoundary(user, now), encoded.getBuffer(0, encoded.length() - 1));
    if (entries.size() >= MAX_ENTRIES) entries.clear();
    entries.put(user, e);
    return e;
  }

  private Reply encode(Entry e) {
    return Reply.okEncoded(Buffer.buffer(e.open().length() + 32).appendBuffer(e.open()).appendBytes(REVISION)
        .appendString(Long.toString(index.revision())).appendByte((byte) '}'));
  }
}
