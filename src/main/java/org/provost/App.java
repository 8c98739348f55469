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
import org.provost.ops.StartingGate;
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

  private App(Database db, ChangeFeed feed, AuthzIndex index, HttpServer server, ExecutorService blocking,
      Readiness readiness, Api api) {
    this.db = db;
    this.feed = feed;
    this.index = index;
    this.server = server;
    this.blocking = blocking;
    this.readiness = readiness;
    this.api = api;
  }

  public static App start(Config config) {
    return start(config, Database.open(config), Clock.systemUTC());
  }

  /** Starts on an already opened database (tests, tools). The app closes it. */
  public static App start(Config config, Database db, Clock clock) {
    long t0 = System.nanoTime();
    // listening first: while the rest starts, health answers "starting" and every other request 503
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.eventLoops()));
    Router router = Router.router(vertx);
    Readiness readiness = new Readiness(db);
    Route gate = StartingGate.install(router, readiness);
    HttpServer server = HttpServer.start(vertx, router, config.httpHost(), config.httpPort(), config.eventLoops());
    try {
      return wire(config, db, clock, t0, vertx, router, readiness, server, gate);
    } catch (RuntimeException | Error e) {
      server.close();
      throw e;
    }
  }

  private static App wire(Config config, Database db, Clock clock, long t0, Vertx vertx, Router router,
      Readiness readiness, HttpServer server, Route gate) {
    Migrations.migrate(db.primary());
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
    Gauge.builder("provost.authz.revision", index, AuthzIndex::revision)
        .description("the last change this instance's authorization index has applied").register(meters);
    SessionService sessions = new SessionService(db, users, hasher, config, clock, blocking);
    Gauge.builder("provost.sessions.live", sessions, SessionService::liveSessions)
        .description("sessions held in this instance's memory").register(meters);
    ClientService clients = new ClientService(db);
    Guard guard = new Guard(new ConsistentAuthorizer(index), clock);
    MeCache me = new MeCache(db, index, clock);

    ChangeFeed feed = new ChangeFeed(db::openDedicated, revision, 500);
    // the index last: a request that waited for revision R (at_least_revision) then also finds the sessions
    // and API clients R revoked gone on this instance
    feed.subscribe(sessions::apply);
    feed.subscribe(clients::apply);
    feed.subscribe(index::apply);
    feed.start();

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

    readiness.started(index::revision);
    gate.remove();
    LOG.info("provost listening on {}:{} ({} event loops, revision {}, started in {} ms)", config.httpHost(),
        server.port(), config.eventLoops(), revision, (System.nanoTime() - t0) / 1_000_000);
    return new App(db, feed, index, server, blocking, readiness, api);
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

  @Override
  public void close() {
    readiness.draining();
    server.close();
    feed.close();
    index.close();
    blocking.shutdown();
    db.close();
  }
}
