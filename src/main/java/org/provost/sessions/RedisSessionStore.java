package org.provost.sessions;

import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.provost.redis.Redis;

/**
 * Sessions in Redis, shared by every instance that uses the same server and key prefix. A session is a hash
 * {@code <prefix>s:<sha256 hex>} (id, user id, username, created, last seen, expiry) whose TTL slides with
 * use: the idle timeout, capped by what is left of the absolute lifetime. A user's sessions are indexed in
 * {@code <prefix>u:<user id>} (session id to token hash), so ending one or all needs no scan. Every ending
 * also increments {@code <prefix>gen}, which guards {@link #adopt}: a session read from PostgreSQL is copied
 * here only if no session ended anywhere meanwhile. Multi-key steps are Lua scripts, atomic on one server
 * (Redis Cluster is not supported: the scripts touch keys they compute). Liveness is judged with the
 * caller's clock from the stored times; the TTL only collects what nobody uses. Blocking (sync commands,
 * {@link Redis#COMMAND_TIMEOUT}); throws {@link Redis.Unavailable} when Redis does not answer.
 */
public final class RedisSessionStore implements SessionStore {
  private static final String ADOPT = """
      if ARGV[9] ~= '*' and (redis.call('GET', KEYS[3]) or '') ~= ARGV[9] then return 0 end
      redis.call('HSET', KEYS[1], 'id', ARGV[1], 'uid', ARGV[2], 'name', ARGV[3], 'created', ARGV[4],
        'seen', ARGV[5], 'exp', ARGV[6], 'pg', ARGV[10])
      redis.call('PEXPIRE', KEYS[1], ARGV[7])
      redis.call('HSET', KEYS[2], ARGV[1], ARGV[8])
      local keep = tonumber(ARGV[6]) - tonumber(ARGV[5])
      if redis.call('PTTL', KEYS[2]) < keep then redis.call('PEXPIRE', KEYS[2], keep) end
      return 1""";
  /** 0: touched; 1: touched, and PostgreSQL's copy is due; -1: unknown here. */
  private static final String TOUCH = """
      local v = redis.call('HMGET', KEYS[1], 'id', 'seen', 'pg', 'exp')
      if not v[1] or v[1] ~= ARGV[1] then return -1 end
      local now = tonumber(ARGV[2])
      if tonumber(v[2]) < now then redis.call('HSET', KEYS[1], 'seen', ARGV[2]) end
      local ttl = math.min(tonumber(ARGV[3]), tonumber(v[4]) - now)
      if ttl <= 0 then redis.call('DEL', KEYS[1]) return -1 end
      redis.call('PEXPIRE', KEYS[1], ttl)
      if now - tonumber(v[3]) >= tonumber(ARGV[4]) then redis.call('HSET', KEYS[1], 'pg', ARGV[2]) return 1 end
      return 0""";
  private static final String END = """
      redis.call('INCR', KEYS[2])
      local h = redis.call('HGET', KEYS[1], ARGV[1])
      if not h then return 0 end
      redis.call('HDEL', KEYS[1], ARGV[1])
      return redis.call('DEL', ARGV[2] .. h)""";
  private static final String END_ALL = """
      redis.call('INCR', KEYS[2])
      local all = redis.call('HGETALL', KEYS[1])
      for i = 1, #all, 2 do
        if all[i] ~= ARGV[1] then redis.call('DEL', ARGV[2] .. all[i + 1]) redis.call('HDEL', KEYS[1], all[i]) end
      end
      return 0""";
  /** How often, at most, PostgreSQL's last_seen_at is written for a session used through this store. */
  static final long DURABLE_TOUCH_MILLIS = 55_000;

  private final Redis redis;
  private final long idleMillis;

  /** @param idleMillis the idle timeout plus how late a touch may arrive (the callers' touch interval) */
  public RedisSessionStore(Redis redis, long idleMillis) {
    this.redis = redis;
    this.idleMillis = idleMillis;
  }

  @Override
  public long create(byte[] tokenHash, long userId, String username, long now, long expiresAt) {
    long id = redis.call(c -> c.incr(redis.key("sid")));
    adopt(tokenHash, new Session(id, userId, username, now, now, expiresAt), "*");
    return id;
  }

  /**
   * Copies a session recorded elsewhere (PostgreSQL) here, unless {@code generation} (from
   * {@link #generation}, read before the session was) has moved: then a session ended meanwhile, maybe this
   * one, and nothing is written. {@code "*"} writes unconditionally. Returns whether it was written.
   */
  boolean adopt(byte[] tokenHash, Session s, String generation) {
    return adopt(tokenHash, s, generation, s.lastSeen());
  }

  /**
   * As {@link #adopt(byte[], Session, String)}, noting that PostgreSQL's copy was last touched at
   * {@code durableSeen} (earlier than {@code s.lastSeen()} when the session is copied here on a use): the
   * touch that follows then writes PostgreSQL when it is due by PostgreSQL's own clock, not by this copy's.
   */
  boolean adopt(byte[] tokenHash, Session s, String generation, long durableSeen) {
    String hex = HexFormat.of().formatHex(tokenHash);
    long ttl = Math.min(idleMillis, s.expiresAt() - s.lastSeen());
    if (ttl <= 0) return false;
    Long written = redis.call(c -> c.eval(ADOPT, ScriptOutputType.INTEGER,
        new String[] {redis.key("s:" + hex), redis.key("u:" + s.userId()), redis.key("gen")},
        Long.toString(s.id()), Long.toString(s.userId()), s.username(), Long.toString(s.createdAt()),
        Long.toString(s.lastSeen()), Long.toString(s.expiresAt()), Long.toString(ttl), hex, generation,
        Long.toString(durableSeen)));
    return written != null && written == 1;
  }

  /** The current ending generation ("" before the first ending), for {@link #adopt}. */
  String generation() {
    String g = redis.call(c -> c.get(redis.key("gen")));
    return g == null ? "" : g;
  }

  @Override
  public Optional<Session> find(byte[] tokenHash, long now) {
    return record(HexFormat.of().formatHex(tokenHash)).filter(s -> live(s, now));
  }

  /** The stored session of {@code hex}, live or not (empty: not here). */
  Optional<Session> record(String hex) {
    Map<String, String> h = redis.call(c -> c.hgetall(redis.key("s:" + hex)));
    if (h == null || !h.containsKey("id")) return Optional.empty();
    return Optional.of(new Session(Long.parseLong(h.get("id")), Long.parseLong(h.get("uid")), h.get("name"),
        Long.parseLong(h.get("created")), Long.parseLong(h.get("seen")), Long.parseLong(h.get("exp"))));
  }

  boolean live(Session s, long now) {
    return now < s.expiresAt() && now - s.lastSeen() <= idleMillis;
  }

  @Override
  public void touch(byte[] tokenHash, long sessionId, long now) {
    touched(tokenHash, sessionId, now);
  }

  /** Touches; returns 0 when done, 1 when done and PostgreSQL's copy is due, -1 when the session is not here. */
  long touched(byte[] tokenHash, long sessionId, long now) {
    Long r = redis.call(c -> c.eval(TOUCH, ScriptOutputType.INTEGER,
        new String[] {redis.key("s:" + HexFormat.of().formatHex(tokenHash))}, Long.toString(sessionId),
        Long.toString(now), Long.toString(idleMillis), Long.toString(DURABLE_TOUCH_MILLIS)));
    return r == null ? -1 : r;
  }

  @Override
  public boolean end(long sessionId, long userId) {
    Long n = redis.call(c -> c.eval(END, ScriptOutputType.INTEGER,
        new String[] {redis.key("u:" + userId), redis.key("gen")}, Long.toString(sessionId), redis.key("s:")));
    return n != null && n > 0;
  }

  @Override
  public void endAll(long userId, long keepSessionId) {
    redis.call(c -> c.eval(END_ALL, ScriptOutputType.INTEGER,
        new String[] {redis.key("u:" + userId), redis.key("gen")}, Long.toString(keepSessionId), redis.key("s:")));
  }

  /** Every session of {@code userId} stored here, live or not, by session id. */
  Map<Long, Session> recorded(long userId) {
    Map<String, String> index = redis.call(c -> c.hgetall(redis.key("u:" + userId)));
    Map<Long, Session> found = new java.util.HashMap<>();
    for (Map.Entry<String, String> e : index.entrySet()) {
      record(e.getValue()).filter(s -> s.userId() == userId).ifPresent(s -> found.put(s.id(), s));
    }
    return found;
  }

  @Override
  public List<Session> live(long userId, long now) {
    Map<String, String> index = redis.call(c -> c.hgetall(redis.key("u:" + userId)));
    List<Session> found = new ArrayList<>();
    for (Map.Entry<String, String> e : index.entrySet()) {
      Optional<Session> s = record(e.getValue());
      if (s.isEmpty()) redis.call(c -> c.hdel(redis.key("u:" + userId), e.getKey())); // its TTL ran out
      else if (live(s.get(), now)) found.add(s.get());
    }
    found.sort(Comparator.comparingLong(Session::id));
    return found;
  }
}
