package org.provost;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.provost.access.AccessRoutes;
import org.provost.audit.AuditRoutes;
import org.provost.authz.AuthzRoutes;
import org.provost.authz.Authority;
import org.provost.authz.AuthzIndex;
import org.provost.authz.ConsistentAuthorizer;
import org.provost.authz.MeCache;
import org.provost.clients.ClientRoutes;
import org.provost.clients.ClientService;
import org.provost.config.Config;
import org.provost.console.ConsoleRoutes;
import org.provost.db.Database;
import org.provost.db.Migrations;
import org.provost.db.StatementCounter;
import org.provost.directory.DirectoryRoutes;
import org.provost.feed.ChangeFeed;
import org.provost.grants.GrantRoutes;
import org.provost.http.Admission;
import org.provost.http.Api;
import org.provost.http.Lane;
import org.provost.http.Authenticators;
import org.provost.http.FillThreads;
import org.provost.http.HttpServer;
import org.provost.http.RevisionGate;
import org.provost.logs.ContextCarryingExecutor;
import org.provost.logs.LogFormat;
import org.provost.metrics.AdmissionRefusals;
import org.provost.metrics.CacheMetrics;
import org.provost.metrics.IndexMetrics;
import org.provost.metrics.QueryMetrics;
import org.provost.ops.Bootstrap;
import org.provost.ops.OpsRoutes;
import org.provost.ops.Readiness;
import org.provost.ops.StartingGate;
import org.provost.ops.ThreadPriority;
import org.provost.provisioning.ImportRoutes;
import org.provost.roles.RoleRoutes;
import org.provost.security.PasswordHasher;
import org.provost.sessions.SessionRoutes;
import org.provost.sessions.SessionService;
import org.provost.sessions.SessionStores;
import org.provost.redis.Redis;
import org.provost.redis.RedisMetrics;
import org.provost.redis.SharedCache;
import org.provost.users.UserRoutes;
import org.provost.users.UserSearch;
import org.provost.users.UserStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running service, wired by hand: database, change feed, features, HTTP. {@link #close} drains it. */
public final class App implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(App.class);
  /** How long a write waits for its own instance to apply it before answering anyway. */
  private static final long WRITE_VISIBLE_WAIT_MILLIS = 2_000;

  private final Database db;
  private final ChangeFeed feed;
  private final AuthzIndex index;
  /** The in-memory candidates of user searches (PROVOST_USER_SEARCH_INDEX), or null when off. */
  private final UserSearch userSearch;
  private final HttpServer server;
  /** Every thread pool of the instance's requests: virtual threads, the SQL lane's, the fill threads. */
  private final List<ExecutorService> workers;
  private final Readiness readiness;
  private final Api api;
  private final RevisionGate gate;
  private final Config.Topology topology;
  private final Optional<Redis> redis;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  private App(Database db, ChangeFeed feed, AuthzIndex index, UserSearch userSearch, HttpServer server,
      List<ExecutorService> workers, Readiness readiness, Api api, RevisionGate gate, Config.Topology topology,
      Optional<Redis> redis) {
    this.userSearch = userSearch;
    this.redis = redis;
    this.db = db;
    this.feed = feed;
    this.index = index;
    this.server = server;
    this.workers = workers;
    this.readiness = readiness;
    this.api = api;
    this.gate = gate;
    this.topology = topology;
  }

  public static App start(Config config) {
    LogFormat.apply(config.observability().logFormat());
    return start(config, Database.open(config), Clock.systemUTC());
  }

  /** Starts on an already opened database (tests, tools). The app closes it. */
  public static App start(Config config, Database db, Clock clock) {
    long t0 = System.nanoTime();
    LogFormat.apply(config.observability().logFormat());
    // listening first: while the rest starts, health answers "starting" and every other request 503
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.eventLoops()));
    Router router = Router.router(vertx);
    Readiness readiness = new Readiness(db);
    Route startingGate = StartingGate.install(router, readiness);
    HttpServer server = HttpServer.start(vertx, router, config.httpHost(), config.httpPort(), config.eventLoops());
    // connects in the background: an instance starts (and serves from PostgreSQL) while Redis is down
    java.util.concurrent.atomic.AtomicReference<ChangeFeed> woken = new java.util.concurrent.atomic.AtomicReference<>();
    Optional<Redis> redis = config.redisUrl().map(url -> Redis.start(url, config.redisKeyPrefix(),
        published -> wake(woken.get(), published)));
    try {
      return wire(config, db, clock, t0, vertx, router, readiness, server, startingGate, redis, woken);
    } catch (RuntimeException | Error e) {
      redis.ifPresent(Redis::close);
      server.close();
      throw e;
    }
  }

  private static App wire(Config config, Database db, Clock clock, long t0, Vertx vertx, Router router,
      Readiness readiness, HttpServer server, Route startingGate, Optional<Redis> redis,
      java.util.concurrent.atomic.AtomicReference<ChangeFeed> woken) {
    Migrations.migrate(db.direct()); // not through a transaction-mode pooler
    PasswordHasher hasher = new PasswordHasher(config.argon2(), config.lanes().hashThreads(),
        config.lanes().nice());
    UserStore users = new UserStore();
    Bootstrap.ensureAdmin(db, users, hasher, config);
    AuthzIndex index = AuthzIndex.load(db);
    long revision = index.revision();
    warnIfHeapIsSmall(index.footprint(), Runtime.getRuntime().maxMemory(), config.lanes());

    // virtual threads run with the logging context (request id) of whoever submitted the work
    ExecutorService blocking = ContextCarryingExecutor.wrap(Executors.newVirtualThreadPerTaskExecutor());
    // the SQL lane's threads: as many as it runs requests at once, below the event loops' priority, so that
    // on a saturated machine SQL work and page encoding get only the cores the memory lane leaves
    ExecutorService sqlThreads = ContextCarryingExecutor.wrap(ThreadPriority.pool("provost-sql-",
        config.lanes().sqlConcurrency(), 60, config.lanes().nice()));
    ExecutorService fills = FillThreads.create();
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    db.bindPoolMetrics(meters);
    db.observeQueries(new QueryMetrics(meters, config.observability().slowQueryThreshold()));
    new JvmMemoryMetrics().bindTo(meters);
    new JvmGcMetrics().bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    FunctionCounter.builder("provost.db.statements", db.statements(), StatementCounter::count)
        .description("SQL statements issued through the connection pools").register(meters);
    FunctionCounter.builder("provost.db.replica.reads", db, Database::replicaReads)
        .description("reads the read replica served (the rest went to the primary)").register(meters);
    org.provost.db.GroupCommit groupCommit = db.groupCommit();
    FunctionCounter.builder("provost.db.write.groups", groupCommit, org.provost.db.GroupCommit::groups)
        .description("transactions the group commit ran (grants and revokes committed together)").register(meters);
    FunctionCounter.builder("provost.db.write.grouped", groupCommit, org.provost.db.GroupCommit::writes)
        .description("writes committed through the group commit: divided by the groups, the mean group size")
        .register(meters);
    Gauge.builder("provost.db.write.pending", groupCommit, org.provost.db.GroupCommit::pending)
        .description("grouped writes waiting for their group to commit").register(meters);
    Gauge.builder("provost.authz.revision", index, AuthzIndex::revision)
        .description("the last change this instance's authorization index has applied").register(meters);
    SessionStores stores = SessionStores.choose(db, redis, config.sessionIdleTimeout().toMillis());
    SessionService sessions = new SessionService(db, users, hasher, config, clock, blocking, stores.store(),
        stores.touchEveryMillis(), redis);
    Gauge.builder("provost.sessions.live", sessions, SessionService::liveSessions)
        .description("sessions held in this instance's memory").register(meters);
    ClientService clients = new ClientService(db, index::isActive);
    Authority authority = new Authority(new ConsistentAuthorizer(index), clock);
    MeCache me = new MeCache(db, index, clock);
    RevisionGate gate = new RevisionGate(index::revision, config.maxRevisionWaiters());
    index.onPublish(gate::released);

    ChangeFeed feed = new ChangeFeed(db::openDedicated, revision, 500);
    // the index after these: a request that waited for revision R (at_least_revision) then also finds the sessions
    // and API clients R revoked gone on this instance
    feed.subscribe(sessions::apply);
    stores.tiered().ifPresent(tiered -> feed.subscribe(tiered::apply));
    SharedCache roleCache = redis.map(r -> new SharedCache(r, "roles", java.time.Duration.ofHours(1)))
        .orElse(SharedCache.NONE);
    feed.subscribe(RoleRoutes.invalidator(roleCache));
    feed.wakeWith(() -> db.primary().getConnection());
    woken.set(feed);
    feed.subscribe(clients::apply);
    feed.subscribe(index::apply);
    // after the index, which it must not delay; loaded in the background: until then, and whenever it cannot
    // vouch for a page (it trails the page's snapshot), searches run in SQL
    UserSearch userSearch = config.userSearchIndex() ? new UserSearch(db, config.lanes().nice()) : null;
    if (userSearch != null) {
      feed.subscribe(userSearch::apply);
      userSearch.start();
      FunctionCounter.builder("provost.users.search", userSearch, UserSearch::answered).tag("source", "memory")
          .description("q= searches of /v1/users whose candidates came from memory").register(meters);
      FunctionCounter.builder("provost.users.search", userSearch, UserSearch::fellBack).tag("source", "sql")
          .description("q= searches of /v1/users run in SQL (index not loaded, or not current for the page)")
          .register(meters);
    }
    feed.start();
    // a write answers once this instance has applied it: a revoke, deactivation or password change holds on
    // the instance that answered before the answer is sent
    db.onCommit(committed -> {
      redis.ifPresent(r -> r.publishRevision(committed)); // other instances read it now, not at the next poll
      if (!feed.awaitApplied(committed, WRITE_VISIBLE_WAIT_MILLIS)) {
        LOG.warn("revision {} was not applied locally within {} ms (the change feed is behind)", committed,
            WRITE_VISIBLE_WAIT_MILLIS);
      }
    });

    Authenticators authenticators = new Authenticators(sessions::cached, sessions::load, clients::cached,
        clients::load);
    AdmissionRefusals refusals = new AdmissionRefusals(meters);
    Config.Lanes lanes = config.lanes();
    Api.Admissions admissions = new Api.Admissions(
        new Admission(Lane.SQL, lanes.sqlConcurrency() - lanes.sqlWriters(), lanes.sqlQueue(),
            lanes.sqlMaxWait().toMillis(), refusals, sqlThreads),
        new Admission(Lane.SQL, lanes.sqlWriters(), lanes.sqlQueue(), lanes.sqlMaxWait().toMillis(), refusals,
            sqlThreads),
        // grouped writes wait for their group's commit holding no connection: on virtual threads; the
        // committer that runs their SQL has the SQL threads' priority (db.GroupCommit)
        new Admission(Lane.SQL, lanes.groupedWrites(), lanes.sqlQueue(), lanes.sqlMaxWait().toMillis(), refusals),
        new Admission(Lane.HASH, lanes.hashThreads(), lanes.hashQueue(), lanes.hashMaxWait().toMillis(), refusals));
    Api api = new Api(router, authenticators, blocking, fills, meters, config.maxBodyBytes(),
        config.observability().accessLog(), config.observability().httpMetrics(), gate, admissions);
    CacheMetrics.bind(meters, "me", me, MeCache::hits, MeCache::misses);
    CacheMetrics.result(meters, "me", me, "rebuilt", MeCache::rebuilds);
    CacheMetrics.bind(meters, "sessions", authenticators.sessions, c -> c.hits(), c -> c.misses());
    CacheMetrics.bind(meters, "api_keys", authenticators.keys, c -> c.hits(), c -> c.misses());
    IndexMetrics indexMetrics = new IndexMetrics(meters, index, db.primary(), readiness::accepting, gate::waiting);
    indexMetrics.sample();
    AuthzRoutes.mount(api, index, me, clock, fills); // first: the router tries routes in order
    OpsRoutes.mount(api, readiness, meters);
    SessionRoutes.mount(api, sessions, config.trustedProxies());
    UserRoutes.mount(api, db, users, userSearch, authority, hasher);
    ClientRoutes.mount(api, db, clients, authority);
    AuditRoutes.mount(api, db, authority);
    RoleRoutes.mount(api, db, authority, roleCache);
    GrantRoutes.mount(api, db, authority);
    AccessRoutes.mount(api, db, authority, clock);
    DirectoryRoutes.mount(api, db, authority);
    ImportRoutes.mount(api, db, authority, config.importMaxBytes());
    ConsoleRoutes.mount(router);

    vertx.setPeriodic(60_000, id -> blocking.execute(sessions::sweep));
    stores.tiered().ifPresent(t -> vertx.setPeriodic(1_000, id -> blocking.execute(t::flushPending)));
    redis.ifPresent(r -> vertx.setPeriodic(1_000, id -> blocking.execute(roleCache::retry)));
    if (userSearch != null) vertx.setPeriodic(UserSearch.RELOAD_MINUTES * 60_000L, id -> userSearch.reload());
    redis.ifPresent(r -> RedisMetrics.bind(meters, r, stores.tiered(), feed, readiness, roleCache));
    vertx.setPeriodic(1_000, id -> blocking.execute(indexMetrics::sample));

    readiness.started(index::revision);
    startingGate.remove();
    LOG.info("provost listening on {}:{} ({} event loops, revision {}, started in {} ms); admin console at "
        + "http://{}:{}/admin/", config.httpHost(), server.port(), config.eventLoops(), revision,
        (System.nanoTime() - t0) / 1_000_000, consoleHost(config.httpHost()), server.port());
    return new App(db, feed, index, userSearch, server, List.of(blocking, sqlThreads, fills), readiness, api, gate,
        config.topology(), redis);
  }

  private static void wake(ChangeFeed feed, String published) {
    if (feed == null) return;
    try {
      feed.wake(Long.parseLong(published));
    } catch (NumberFormatException e) {
      LOG.debug("redis: ignored a revision message that is not a number: {}", published);
    }
  }

  /**
   * The launcher's default heap (-Xmx384m) fits a campus of a few hundred thousand people; the index, the
   * caches and the hash lane's Argon2 memory must fit in it. Warns, naming PROVOST_JAVA_OPTS, when the index
   * alone takes more than a third of the heap.
   */
  private static void warnIfHeapIsSmall(AuthzIndex.Footprint footprint, long maxHeap, Config.Lanes lanes) {
    if (footprint.heapBytes() * 3 > maxHeap) {
      LOG.warn("the authorization index takes {} MB of a {} MB heap ({} users, {} grants); with caches and the hash"
          + " lane ({} threads x Argon2 memory) that is tight: raise -Xmx in PROVOST_JAVA_OPTS (about 1 GB for a"
          + " million users)", footprint.heapBytes() >> 20, maxHeap >> 20, footprint.users(), footprint.grants(),
          lanes.hashThreads());
    }
  }

  /** The host name to print in the console's address: a wildcard listener is reached as localhost. */
  private static String consoleHost(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? "localhost" : host;
  }

  public int port() {
    return server.port();
  }

  public Api api() {
    return api;
  }

  /** The SQL and hash lanes' admission limits (tests hold them full to prove the memory lane does not wait). */
  public Api.Admissions admissions() {
    return api.admissions();
  }

  /** The at_least_revision gate of this instance (its waiters, for the gauge and tests). */
  public RevisionGate revisionGate() {
    return gate;
  }

  public Database database() {
    return db;
  }

  public ChangeFeed feed() {
    return feed;
  }

  /**
   * First step of a graceful stop: {@code /health/ready} answers 503 {@code draining} and every response
   * closes its connection, while the listener still accepts (a proxy or orchestrator notices and moves
   * traffic away). Idempotent; does not block.
   */
  public void drain() {
    readiness.draining();
    server.drain();
  }

  /**
   * The whole graceful stop, as on SIGTERM: {@link #drain}, keep accepting for the configured drain delay
   * ({@code PROVOST_SHUTDOWN_DRAIN_DELAY}), then {@link #close}. Blocks for about the delay plus the time
   * requests in flight need, at most {@code PROVOST_SHUTDOWN_TIMEOUT} more.
   */
  public void stopGracefully() {
    drain();
    try {
      Thread.sleep(topology.shutdownDrainDelay());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    close();
  }

  /**
   * Stops accepting, waits for the requests in flight to finish (at most {@code PROVOST_SHUTDOWN_TIMEOUT}),
   * then stops the change feed, the index, the worker threads and the pools. Idempotent. The change feed
   * runs until the last request has been answered, so a request waiting for a revision still gets it.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    drain();
    long t0 = System.nanoTime();
    server.shutdown(topology.shutdownTimeout());
    LOG.info("provost: listener closed, requests in flight finished in {} ms", (System.nanoTime() - t0) / 1_000_000);
    server.close();
    db.onCommit(revision -> { });
    feed.close();
    index.close();
    if (userSearch != null) userSearch.close();
    redis.ifPresent(Redis::close);
    workers.forEach(ExecutorService::shutdown);
    try {
      long deadline = System.nanoTime() + topology.shutdownTimeout().toNanos();
      for (ExecutorService w : workers) {
        w.awaitTermination(deadline - System.nanoTime(), java.util.concurrent.TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    db.close();
  }
}
