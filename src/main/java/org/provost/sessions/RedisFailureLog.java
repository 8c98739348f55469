package org.provost.sessions;

import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.provost.redis.Redis;

/**
 * {@link FailureLog} in Redis, shared by every instance: each key's failures are a sorted set
 * {@code <prefix>lt:<kind>:<key>} (score: the failure's time) that expires a window after its last failure;
 * an account's trusted addresses are a sorted set {@code <prefix>lt:trust:<account>} (score: last success)
 * cut to the newest {@code max}, expiring with the trust period. Memory is bounded by the failure rate times
 * the window. Blocking; throws {@link Redis.Unavailable} when Redis does not answer.
 */
final class RedisFailureLog implements FailureLog {
  private static final String ADD = """
      redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
      local n = redis.call('ZCARD', KEYS[1])
      if n > tonumber(ARGV[4]) then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - tonumber(ARGV[4]) - 1) end
      redis.call('PEXPIRE', KEYS[1], ARGV[5])
      return n""";
  private static final String TRUST = """
      redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
      redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[3]) + 1))
      redis.call('PEXPIRE', KEYS[1], ARGV[4])
      return 1""";

  private final Redis redis;
  private final long windowMillis;
  private final long trustMillis;
  private final int keep;

  RedisFailureLog(Redis redis, long windowMillis, Duration trust, int keep) {
    this.redis = redis;
    this.windowMillis = windowMillis;
    this.trustMillis = trust.toMillis();
    this.keep = keep;
  }

  private String key(Kind kind, String key) {
    return redis.key("lt:" + kind.name().toLowerCase(Locale.ROOT) + ":" + key);
  }

  @Override
  public void add(Kind kind, String key, long now) {
    String member = now + ":" + UUID.randomUUID(); // two failures in one millisecond are two
    redis.call(c -> c.eval(ADD, ScriptOutputType.INTEGER, new String[] {key(kind, key)}, Long.toString(now), member,
        Long.toString(now - windowMillis), Integer.toString(keep), Long.toString(windowMillis)));
  }

  @Override
  public long[] since(Kind kind, String key, long since, int max) {
    List<Double> scores = redis.call(c -> c.zrangebyscoreWithScores(key(kind, key),
        Range.create((double) since + 1, Double.POSITIVE_INFINITY))).stream().map(v -> v.getScore()).toList();
    int from = Math.max(0, scores.size() - max);
    long[] out = new long[scores.size() - from];
    for (int i = from; i < scores.size(); i++) out[i - from] = scores.get(i).longValue();
    return out;
  }

  @Override
  public void clear(Kind kind, String key) {
    redis.call(c -> c.del(key(kind, key)));
  }

  @Override
  public boolean trusted(String account, String address) {
    return redis.call(c -> c.zscore(redis.key("lt:trust:" + account), address)) != null;
  }

  @Override
  public void trust(String account, String address, long now, int max) {
    redis.call(c -> c.eval(TRUST, ScriptOutputType.INTEGER, new String[] {redis.key("lt:trust:" + account)},
        Long.toString(now), address, Integer.toString(max), Long.toString(trustMillis)));
  }
}
