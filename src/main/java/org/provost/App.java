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
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.provost.audit.AuditRoutes;
import org.provost.authz.AuthzRoutes;
import org.provost.authz.Guard;
import org.provost.authz.AuthzIndex;
import org.provost.authz.ConsistentAuthorizer;
import org.provost.authz.MeCache;
import org.provost.clients.ClientRoutes;
import org.provost.clients.ClientService;
import org.provost.config.Config;
import org.provost.db.Database;
import org.provost.db.Migrations;
import org.provost.db.StatementCounter;
import org.provost.directory.DirectoryRoutes;
import org.provost.feed.ChangeFeed;
import org.provost.grants.GrantRoutes;
import org.provost.http.Api;
import org.provost.http.Authenticators;
import org.provost.http.HttpServer;
import org.provost.ops.Bootstrap;
import org.provost.ops.OpsRoutes;
import org.provost.ops.Readiness;
import org.provost.provisioning.ImportRoutes;
import org.provost.roles.RoleRoutes;
import org.provost.security.PasswordHasher;
import org.provost.sessions.SessionRoutes;
import org.provost.sessions.SessionService;
import org.provost.users.UserRoutes;
import org.provost.users.UserStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running service, wired by hand: database, change feed, features, HTTP. {@link #close} drains it. */
public final class App implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(App.class);

  private final Database db;
  private final ChangeFeed feed;
  private final AuthzIndex index;
  private final HttpServer server;
  private final ExecutorService blocking;
  private final Readiness readiness;
  private final Api api;
  private final Config.Topology topology;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  private App(Database db, ChangeFeed feed, AuthzIndex index, HttpServer server, ExecutorService blocking,
      Readiness readiness, Api api, Config.Topology topology) {
    this.db = db;
    this.feed = feed;
    this.index = index;
    this.server = server;
    this.blocking = blocking;
    this.readiness = readiness;
    this.api = api;
    this.topology = topology;
  }

  public static App start(Config config) {
    return start(config, Database.open(config), Clock.systemUTC());
  }

  /** Starts on an already opened database (tests, tools). The app closes it. */
  public static App start(Config config, Database db, Clock clock) {
    long t0 = System.nanoTime();
    Migrations.migrate(db.direct()); // not through a transaction-mode pooler
    PasswordHasher hasher = new PasswordHasher(config.argon2());
    UserStore users = new UserStore();
    Bootstrap.ensureAdmin(db, users, hasher, config);
    AuthzIndex index = AuthzIndex.load(db);
    long revision = index.revision();

    ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(meters);
    new JvmGcMetrics().bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    FunctionCounter.builder("provost.db.statements", db.statements(), StatementCounter::count)
        .description("SQL statements issued through the connection pools").register(meters);
    FunctionCounter.builder("provost.db.replica.reads", db, Database::replicaReads)
        .description("reads the read replica served (the rest went to the primary)").register(meters);
    Gauge.builder("provost.authz.revision", index, AuthzIndex::revision)
        .description("the last change this instance's authorization index has applied").register(meters);
    SessionService sessions = new SessionService(db, users, hasher, config, clock, blocking);
    Gauge.builder("provost.sessions.live", sessions, SessionService::liveSessions)
        .description("sessions held in this instance's memory").register(meters);
    ClientService clients = new ClientService(db);
    Guard guard = new Guard(new ConsistentAuthorizer(index), clock);
    MeCache me = new MeCache(db, index, clock);

    ChangeFeed feed = new ChangeFeed(db::openDedicated, revision, 500);
    feed.subscribe(index::apply);
    feed.subscribe(sessions::apply);
    feed.subscribe(clients::apply);
    feed.start();

    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.eventLoops()));
    Router router = Router.router(vertx);
    Readiness readiness = new Readiness(db);
    Api api = new Api(router, new Authenticators(sessions::cached, sessions::load, clients::cached, clients::load),
        blocking, meters, config.maxBodyBytes());
    AuthzRoutes.mount(api, index, me, clock, blocking); // first: the router tries routes in order
    OpsRoutes.mount(api, readiness, meters);
    SessionRoutes.mount(api, sessions, config.trustedProxies());
    UserRoutes.mount(api, db, users, guard, hasher);
    ClientRoutes.mount(api, db, clients, guard);
    AuditRoutes.mount(api, db, guard);
    RoleRoutes.mount(api, db, guard);
    GrantRoutes.mount(api, db, guard);
    DirectoryRoutes.mount(api, db, guard);
    ImportRoutes.mount(api, db, guard, config.importMaxBytes());

    vertx.setPeriodic(60_000, id -> blocking.execute(sessions::sweep));

    HttpServer server = HttpServer.start(vertx, router, config.httpHost(), config.httpPort(), config.eventLoops());
    readiness.started();
    LOG.info("provost listening on {}:{} ({} event loops, revision {}, started in {} ms)", config.httpHost(),
        server.port(), config.eventLoops(), revision, (System.nanoTime() - t0) / 1_000_000);
    return new App(db, feed, index, server, blocking, readiness, api, config.topology());
  }

  public int port() {
    return server.port();
  }

  public Api api() {
    return api;
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
    feed.close();
    index.close();
    blocking.shutdown();
    try {
      blocking.awaitTermination(topology.shutdownTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    db.close();
  }
}
