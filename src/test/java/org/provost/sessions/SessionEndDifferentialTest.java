package org.provost.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;
import org.provost.testing.TestServer;

/**
 * Random sequences of the API calls that end credentials (logout, ending all of a user's sessions,
 * deactivation, reactivation, an API key's revocation and rotation) on two instances, each followed by
 * requests with live and ended credentials on either instance at the revision the call reached
 * ({@code at_least_revision}). Each answer is checked against a model of which credentials are live: a live
 * one answers 200, an ended one 401, whichever instance issued it, resolved it or saw it last. A third of
 * the ending calls run while a request with the credential they end already waits on the other instance for
 * the next revision: that request must be answered 401 too (before, it was answered with the principal
 * resolved before its wait).
 *
 * <p>The seed is printed; {@code -Dprovost.seed=N} replays one sequence.
 */
class SessionEndDifferentialTest {
  @RegisterExtension
  static final ProvostServer servers = ProvostServer.builder().directory().build();
  static final AccessFixture fx = servers.fixture();
  static TestServer[] instances;
  static String[] admin;

  /** One credential: a session token of a user, or an API key (user null). */
  record Credential(String token, String user) {
    boolean isKey() {
      return user == null;
    }
  }

  @BeforeAll
  static void start() {
    instances = new TestServer[] {servers.instance(), servers.another(Map.of())};
    admin = new String[] {instances[0].adminToken(), instances[1].adminToken()};
  }

  @Test
  void everyEndedCredential_answers401OnEveryInstance_atTheRevisionThatEndedIt() throws Exception {
    long seed = Long.getLong("provost.seed", System.nanoTime());
    System.out.println("SessionEndDifferentialTest seed " + seed + " (replay: -Dprovost.seed=" + seed + ")");
    Random random = new Random(seed);
    List<String> users = List.of("ends0", "ends1", "ends2", "ends3");
    Map<String, Long> ids = new HashMap<>();
    for (String u : users) ids.put(u, fx.user(u, "CS"));
    Map<String, Boolean> active = new HashMap<>();
    users.forEach(u -> active.put(u, true));
    Map<String, Boolean> live = new HashMap<>(); // the model: token -> live
    Map<String, Credential> credentials = new HashMap<>();
    Map<String, Long> keyIds = new HashMap<>();
    List<String> trace = new ArrayList<>();
    int raced = 0;

    for (int step = 0; step < 120; step++) {
      List<String> liveTokens = credentials.keySet().stream().filter(live::get).sorted().toList();
      int kind = random.nextInt(8);
      int on = random.nextInt(2);
      TestServer here = instances[on];
      String user = users.get(random.nextInt(users.size()));
      String op;
      Runnable call;
      List<String> ends = new ArrayList<>(); // live tokens this call ends
      if (kind <= 1 || liveTokens.isEmpty()) {
        if (!active.get(user)) {
          op = "reactivate " + user + " on " + on;
          Response r = here.http.patch("/v1/users/" + ids.get(user), admin[on], new JsonObject().put("active", true));
          assertThat(r.status()).as("%s: %s", op, r).isEqualTo(200);
          active.put(user, true);
        } else {
          op = "login " + user + " on " + on;
          String token = here.http.login(user, AccessFixture.PASSWORD);
          credentials.put(token, new Credential(token, user));
          live.put(token, true);
        }
        trace.add(op);
        probe(random, credentials, live, trace);
        continue;
      } else if (kind == 2) {
        op = "create key on " + on;
        Response created = here.http.post("/v1/clients", admin[on], new JsonObject().put("name", "ends-key-" + step)
            .put("permissions", new io.vertx.core.json.JsonArray().add("authz.check")));
        assertThat(created.status()).as("%s: %s", op, created).isEqualTo(201);
        JsonObject key = created.json();
        credentials.put(key.getString("key"), new Credential(key.getString("key"), null));
        keyIds.put(key.getString("key"), key.getLong("id"));
        live.put(key.getString("key"), true);
        trace.add(op);
        probe(random, credentials, live, trace);
        continue;
      } else {
        String target = liveTokens.get(random.nextInt(liveTokens.size()));
        Credential c = credentials.get(target);
        if (c.isKey()) {
          long id = keyIds.get(target);
          if (kind % 2 == 0) {
            op = "revoke key " + id + " on " + on;
            call = () -> assertThat(here.http.delete("/v1/clients/" + id, admin[on]).status()).isEqualTo(200);
            ends.add(target);
          } else {
            op = "rotate key " + id + " on " + on;
            call = () -> {
              Response r = here.http.post("/v1/clients/" + id + "/rotate", admin[on], new JsonObject());
              assertThat(r.status()).as("rotate: %s", r).isEqualTo(200);
              String fresh = r.json().getString("key");
              credentials.put(fresh, new Credential(fresh, null));
              keyIds.put(fresh, id);
              live.put(fresh, true);
            };
            ends.add(target);
          }
        } else {
          long id = ids.get(c.user);
          List<String> usersTokens = liveTokens.stream().filter(t -> c.user.equals(credentials.get(t).user)).toList();
          switch (kind) {
            case 3, 4 -> {
              op = "logout " + c.user + " on " + on;
              call = () -> assertThat(here.http.delete("/v1/sessions/current", target).status()).isEqualTo(204);
              ends.add(target);
            }
            case 5, 6 -> {
              op = "end all sessions of " + c.user + " on " + on;
              call = () -> assertThat(here.http.delete("/v1/users/" + id + "/sessions", admin[on]).status())
                  .isEqualTo(200);
              ends.addAll(usersTokens);
            }
            default -> {
              op = "deactivate " + c.user + " on " + on;
              call = () -> assertThat(here.http.delete("/v1/users/" + id, admin[on]).status()).isEqualTo(200);
              ends.addAll(usersTokens);
              active.put(c.user, false);
            }
          }
        }
        trace.add(op);
        CompletableFuture<Response> waiting = null;
        TestServer other = instances[1 - on];
        if (random.nextInt(3) == 0) {
          // a request with the credential about to end, waiting on the other instance for the call's revision
          other.http.get(path(credentials.get(target)), target); // the other instance knows the credential
          long next = latest() + 1;
          waitUntilCaughtUp(other, next - 1);
          waiting = CompletableFuture.supplyAsync(() -> other.http.get(at(credentials.get(target), next),
              target));
          long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
          while (other.app().revisionGate().waiting() == 0 && System.nanoTime() < deadline) Thread.sleep(1);
          assertThat(other.app().revisionGate().waiting()).as("the request waits: %s", trace).isEqualTo(1);
        }
        call.run();
        ends.forEach(t -> live.put(t, false));
        if (waiting != null) {
          raced++;
          Response r = waiting.get(10, TimeUnit.SECONDS);
          assertThat(r.status()).as("a request waiting for the revision of '%s' (seed %d): %s\n%s", op, seed, r,
              trace).isEqualTo(401);
        }
        probe(random, credentials, live, trace);
      }
    }
    assertThat(raced).as("requests raced against the call that ended their credential").isPositive();
    assertThat(live.containsValue(false)).as("some credential ended").isTrue();
  }

  /** Asks both instances, at the latest revision, with a few live and a few ended credentials. */
  private static void probe(Random random, Map<String, Credential> credentials, Map<String, Boolean> live,
      List<String> trace) {
    long at = latest();
    List<String> tokens = credentials.keySet().stream().sorted().toList();
    for (int i = 0; i < Math.min(4, tokens.size()); i++) {
      String token = tokens.get(random.nextInt(tokens.size()));
      for (TestServer instance : instances) {
        Response r = instance.http.get(at(credentials.get(token), at), token);
        assertThat(r.status()).as("%s at revision %d with a %s %s credential: %s\n%s",
            instance == instances[0] ? "instance 0" : "instance 1", at, live.get(token) ? "live" : "ended",
            credentials.get(token).isKey() ? "key" : "session", r, trace)
            .isEqualTo(live.get(token) ? 200 : 401);
      }
    }
  }

  /** A memory-lane route the credential may call: /v1/me for a session, a check for a key. */
  private static String path(Credential c) {
    return c.isKey() ? "/v1/check?subject=admin&permission=users.read&resource=global" : "/v1/me";
  }

  /** {@link #path} at {@code revision} or later. */
  private static String at(Credential c, long revision) {
    return path(c) + (c.isKey() ? "&" : "?") + "at_least_revision=" + revision;
  }

  private static long latest() {
    return fx.count("SELECT coalesce(max(revision), 0) FROM changelog");
  }

  private static void waitUntilCaughtUp(TestServer instance, long revision) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (instance.app().revisionGate().applied() < revision && System.nanoTime() < deadline) Thread.sleep(1);
    assertThat(instance.app().revisionGate().applied()).isGreaterThanOrEqualTo(revision);
  }
}
