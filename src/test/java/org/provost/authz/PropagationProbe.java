package org.provost.authz;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http.Response;
import org.provost.testing.TestServer;

/**
 * How long a grant or revoke made on instance A takes to be visible to checks on instance B: A answers
 * the write with its revision; B is asked at once with {@code at_least_revision} (it holds the request
 * until its index has applied that revision). The time from A's answer to B's answer is recorded.
 *
 * <p>Run: {@code bin/run-test-main org.provost.authz.PropagationProbe [rounds]}
 */
public final class PropagationProbe {
  private PropagationProbe() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    Histogram grants = new Histogram(3_600_000_000L, 3);
    Histogram revokes = new Histogram(3_600_000_000L, 3);
    try (TestServer a = TestServer.start(Map.of("PROVOST_EVENT_LOOPS", "1"));
        TestServer b = a.another(Map.of("PROVOST_EVENT_LOOPS", "1"))) {
      AccessFixture fx = new AccessFixture(a).directory();
      String adminA = a.adminToken();
      String adminB = b.adminToken();
      long user = fx.user("probe", "CS");
      String check = "/v1/check?subject=probe&permission=grades.write&resource=offering:CS101/2026-fall";
      for (int i = 0; i < rounds + 50; i++) {
        JsonObject grant = fx.grant(adminA, user, "teaching_assistant", "offering:CS101/2026-fall");
        long t0 = System.nanoTime();
        Response seen = b.http.get(check + "&at_least_revision=" + grant.getLong("revision"), adminB);
        long t1 = System.nanoTime();
        expect(seen, true);
        Response revoked = a.http.delete("/v1/grants/" + grant.getLong("id"), adminA);
        long t2 = System.nanoTime();
        Response gone = b.http.get(check + "&at_least_revision=" + revoked.json().getLong("revision"), adminB);
        long t3 = System.nanoTime();
        expect(gone, false);
        if (i >= 50) {
          grants.recordValue((t1 - t0) / 1000);
          revokes.recordValue((t3 - t2) / 1000);
        }
      }
    }
    report("grant ", grants);
    report("revoke", revokes);
  }

  private static void expect(Response r, boolean allowed) {
    if (r.status() != 200 || r.json().getBoolean("allowed") != allowed) {
      throw new AssertionError("B answered " + r + ", expected allowed=" + allowed);
    }
  }

  private static void report(String what, Histogram h) {
    System.out.printf("%s visible on B: n=%d p50=%.2f ms p90=%.2f ms p99=%.2f ms max=%.2f ms%n", what,
        h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
  }
}
