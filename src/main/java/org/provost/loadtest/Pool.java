package org.provost.loadtest;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.provost.provisioning.SeedOptions;

/**
 * The logged-in pool: seeded users named {@code student000001}, {@code faculty000001}, {@code staff000001}
 * (six digits from 1), all with the same password. A pool of N takes each kind in the proportion a default
 * {@code provost seed} creates them ({@link SeedOptions#DEFAULT_STUDENTS} etc.: 10,000 students, 3,000
 * faculty, no staff), and never more of a kind than it creates, so every name exists after that seed.
 */
final class Pool {
  /** Logins run a few at a time: each costs the server a password hash. */
  private static final int PARALLEL_LOGINS = 4;

  record Member(long id, String username, String token) {}

  private Pool() {}

  static List<String> usernames(int n) {
    int total = SeedOptions.DEFAULT_STUDENTS + SeedOptions.DEFAULT_FACULTY + SeedOptions.DEFAULT_STAFF;
    int staff = Math.min(SeedOptions.DEFAULT_STAFF, (int) ((long) n * SeedOptions.DEFAULT_STAFF / total));
    int faculty = Math.min(SeedOptions.DEFAULT_FACULTY, (int) ((long) n * SeedOptions.DEFAULT_FACULTY / total));
    int students = Math.min(SeedOptions.DEFAULT_STUDENTS, n - staff - faculty);
    List<String> names = new ArrayList<>(n);
    for (int i = 1; i <= students; i++) names.add("student%06d".formatted(i));
    for (int i = 1; i <= faculty; i++) names.add("faculty%06d".formatted(i));
    for (int i = 1; i <= staff; i++) names.add("staff%06d".formatted(i));
    return names;
  }

  /** Logs in every name it can; prints what failed and why, grouped by reason. */
  static List<Member> login(SetupClient http, List<String> usernames, String password, PrintStream out) {
    List<Future<SetupClient.Reply>> replies = new ArrayList<>();
    Semaphore permits = new Semaphore(PARALLEL_LOGINS);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (String name : usernames) {
        replies.add(threads.submit(() -> {
          permits.acquire();
          try {
            // a busy server refuses logins with 503 overloaded and Retry-After: 1; the setup honours it
            SetupClient.Reply r = null;
            for (int attempt = 0; attempt < 10; attempt++) {
              r = http.post("/v1/sessions", null, new JsonObject().put("username", name).put("password", password));
              if (r.status() != 503) break;
              Thread.sleep(1_000);
            }
            return r;
          } finally {
            permits.release();
          }
        }));
      }
    }
    List<Member> members = new ArrayList<>();
    Map<String, List<String>> failures = new TreeMap<>();
    for (int i = 0; i < usernames.size(); i++) {
      SetupClient.Reply r = join(replies.get(i));
      if (r.status() == 201) {
        JsonObject user = r.json().getJsonObject("user", new JsonObject());
        members.add(new Member(user.getLong("id", -1L), usernames.get(i), r.json().getString("token")));
      } else {
        failures.computeIfAbsent(r.problem(), k -> new ArrayList<>()).add(usernames.get(i));
      }
    }
    out.printf("  pool: %d of %d seeded users logged in%n", members.size(), usernames.size());
    failures.forEach((why, names) -> out.printf("  pool: %d could not log in (%s), e.g. %s%n", names.size(), why,
        String.join(", ", names.subList(0, Math.min(3, names.size())))));
    return members;
  }

  private static SetupClient.Reply join(Future<SetupClient.Reply> f) {
    try {
      return f.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while logging in the pool", e);
    }
  }
}
