package org.provost.testing;

/** Waits for a server's readiness body to report Redis in a given state ({@code up} or {@code degraded}). */
public final class RedisStatus {
  private RedisStatus() {}

  /** Polls {@code /health/ready} every 50 ms for up to 30 s; throws when the state never shows. */
  public static void await(TestServer server, String status) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    String last = null;
    while (System.nanoTime() < deadline) {
      Http.Response r = server.http.get("/health/ready", null);
      var redis = r.json().getJsonObject("checks").getJsonObject("redis");
      last = redis == null ? null : redis.getString("status");
      if (status.equals(last)) return;
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new AssertionError("redis never reported " + status + " (last: " + last + ")");
  }

  /** Polls {@code condition} every 20 ms for up to 30 s (a wait for a state, never a timing assertion). */
  public static void until(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("never happened: " + what);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
