package org.provost.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Redis server (Lettuce), shared by the features that use it: sessions, login-throttle counters, caches
 * and the revision channel. Never required: every feature keeps working without it, from PostgreSQL or
 * process memory. Connects in the background and keeps reconnecting (every 500 ms), so Redis may be down at
 * start, killed and restarted; while it is unreachable, commands fail at once (they are not queued) and a
 * command that gets no answer fails after {@link #COMMAND_TIMEOUT}. Every key is prefixed with the
 * configured prefix ({@code PROVOST_REDIS_KEY_PREFIX}), so several deployments or tests share one server.
 */
public final class Redis implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Redis.class);
  /** How long one command may wait for its answer before the caller falls back. */
  public static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
  /**
   * After a command times out, Redis is not asked again for this long, doubled after each further timeout
   * up to {@link #MAX_SUSPEND_NANOS} and reset by an answer: a hung server costs the callers (the change
   * feed among them) one timeout per suspension, not one per command.
   */
  private static final long SUSPEND_NANOS = Duration.ofSeconds(1).toNanos();
  private static final long MAX_SUSPEND_NANOS = Duration.ofSeconds(16).toNanos();

  private final RedisClient client;
  private final ClientResources resources;
  private final String prefix;
  private final String redacted;
  private final LongAdder errors = new LongAdder();
  private volatile StatefulRedisConnection<String, String> connection;
  private volatile StatefulRedisPubSubConnection<String, String> pubsub;
  private volatile long suspendedUntil;
  private volatile long suspension = SUSPEND_NANOS;
  private volatile boolean closed;
  private volatile boolean lost;
  private final Thread connector;

  /** Thrown by {@link #call} when Redis did not answer; callers fall back to PostgreSQL or memory. */
  public static final class Unavailable extends RuntimeException {
    Unavailable(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  private Redis(String url, String prefix, Consumer<String> onRevision) {
    RedisURI uri = RedisURI.create(url);
    uri.setTimeout(COMMAND_TIMEOUT);
    this.redacted = uri.getHost() + ":" + uri.getPort() + "/" + uri.getDatabase();
    this.prefix = prefix;
    this.resources = ClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(1)
        .reconnectDelay(Delay.constant(Duration.ofMillis(500))).build();
    this.client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder().autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
        .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(1)).keepAlive(true).build())
        .build());
    // one WARN when the connection is lost and one INFO when it is back (Lettuce's own per-attempt WARNs are
    // turned down in logback.xml)
    resources.eventBus().get().subscribe(event -> {
      if (event instanceof io.lettuce.core.event.connection.DisconnectedEvent && !closed && !lost) {
        lost = true;
        LOG.warn("redis: lost the connection to {}; serving without it (PostgreSQL and memory), reconnecting",
            redacted);
      } else if (event instanceof io.lettuce.core.event.connection.ConnectionActivatedEvent && lost) {
        lost = false;
        LOG.info("redis: connected to {} again", redacted);
      }
    });
    this.connector = Thread.ofPlatform().daemon().name("provost-redis-connect").start(() -> connect(onRevision));
  }

  /**
   * Starts connecting to {@code url} ({@code redis://host:port/db}, or {@code rediss://} for TLS) in the
   * background and returns at once.
   *
   * @param prefix put before every key and channel name
   * @param onRevision receives each revision published on the revision channel by any instance
   * @throws IllegalArgumentException when {@code url} is not a Redis URL
   */
  public static Redis start(String url, String prefix, Consumer<String> onRevision) {
    return new Redis(url, prefix, onRevision);
  }

  private void connect(Consumer<String> onRevision) {
    while (!closed && (connection == null || pubsub == null)) {
      try {
        if (connection == null) connection = client.connect();
        if (pubsub == null) {
          StatefulRedisPubSubConnection<String, String> p = client.connectPubSub();
          p.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
              onRevision.accept(message);
            }
          });
          p.sync().subscribe(key("revisions"));
          pubsub = p; // Lettuce subscribes again by itself after a reconnect
        }
        LOG.info("redis: connected to {} (key prefix '{}')", redacted, prefix);
      } catch (RuntimeException e) { // RedisException, or an interruption by close()
        if (closed) return;
        errors.increment();
        LOG.warn("redis: {} is not reachable ({}); serving without it, retrying", redacted, e.getMessage());
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  /** {@code prefix + name}: the name of a key or channel of this deployment. */
  public String key(String name) {
    return prefix + name;
  }

  /** Whether a command may be sent now: connected, and not suspended after a timeout. Never blocks. */
  public boolean available() {
    StatefulRedisConnection<String, String> c = connection;
    return c != null && c.isOpen() && System.nanoTime() - suspendedUntil >= 0;
  }

  /** "up", or "down" while commands cannot be sent. */
  public String state() {
    return available() ? "up" : "down";
  }

  /** Commands that failed or timed out, and failed first connection attempts, since start. */
  public long errors() {
    return errors.sum();
  }

  /**
   * Runs {@code work} with the synchronous commands (blocking: call it off the event loop).
   *
   * @throws Unavailable when Redis is not connected, refuses the command, or does not answer in time
   */
  public <T> T call(Function<RedisCommands<String, String>, T> work) {
    StatefulRedisConnection<String, String> c = connection;
    if (c == null || !available()) throw new Unavailable("redis is not connected", null);
    try {
      T answer = work.apply(c.sync());
      if (suspension != SUSPEND_NANOS) suspension = SUSPEND_NANOS;
      return answer;
    } catch (RedisException e) {
      errors.increment();
      if (e instanceof io.lettuce.core.RedisCommandTimeoutException) {
        long next = suspension;
        suspendedUntil = System.nanoTime() + next;
        suspension = Math.min(MAX_SUSPEND_NANOS, next * 2);
      }
      throw new Unavailable("redis: " + e.getMessage(), e);
    }
  }

  /** Publishes {@code revision} on the revision channel, without waiting; dropped when Redis is down. */
  public void publishRevision(long revision) {
    StatefulRedisConnection<String, String> c = connection;
    if (c == null || !available()) return;
    c.async().publish(key("revisions"), Long.toString(revision)).exceptionally(e -> {
      errors.increment();
      return 0L;
    });
  }

  @Override
  public void close() {
    closed = true;
    connector.interrupt();
    try {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS);
    } catch (RuntimeException e) {
      LOG.debug("redis: shutdown: {}", e.getMessage());
    }
  }
}
