package org.provost.loadtest;

import java.net.URI;
import java.time.Duration;

/**
 * What one run does, checked once. {@link #check()} throws IllegalArgumentException naming the flag at fault.
 *
 * @param rate       requests per second released on schedule (TARGET_RPS, --rate)
 * @param duration   measured seconds (DURATION_SEC, --duration)
 * @param warmup     seconds of linear ramp from 0 to the rate before, left out of the report
 * @param connections per traffic class, its own keep-alive connections (a class the mix does not use opens none)
 * @param users      size of the logged-in pool of seeded users
 * @param password   the password shared by seeded users
 * @param path       what the {@code get} scenario fetches
 * @param grantScope null: an offering the pool already has a grant in, else {@code global}
 */
public record Plan(URI url, int rate, int duration, int warmup, Connections connections, Mix mix, int users,
    String adminUser, String adminPassword, String password, String path, Duration timeout, String grantRole,
    String grantScope) {

  public static final int MAX_RATE = 10_000_000;

  public Plan check() {
    if (url == null || !"http".equals(url.getScheme()) || url.getHost() == null) {
      throw new IllegalArgumentException("--url must be http://host[:port], got " + url);
    }
    if (url.getRawPath() != null && !url.getRawPath().isEmpty() && !url.getRawPath().equals("/")) {
      throw new IllegalArgumentException("--url takes no path (use --path for the get scenario), got " + url);
    }
    between("--rate (TARGET_RPS)", rate, 1, MAX_RATE);
    between("--duration (DURATION_SEC)", duration, 1, 24 * 3600);
    between("--warmup", warmup, 0, 3600);
    if (connections == null) throw new IllegalArgumentException("--connections is required");
    between("--users", users, 1, 100_000);
    if (mix == null) throw new IllegalArgumentException("--mix is required");
    if (path == null || !path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ')) {
      throw new IllegalArgumentException("--path must start with / and contain no spaces, got '" + path + "'");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("--timeout must be positive, got " + timeout);
    }
    if (needsAdmin() && (adminPassword == null || adminPassword.isEmpty())) {
      throw new IllegalArgumentException("--admin-password is required for scenarios check, list, search and "
          + "grant (or set PROVOST_ADMIN_PASSWORD)");
    }
    return this;
  }

  boolean needsAdmin() {
    return mix.uses(Endpoint.CHECK) || mix.uses(Endpoint.LIST) || mix.uses(Endpoint.SEARCH)
        || mix.uses(Endpoint.GRANT);
  }

  boolean needsPool() {
    return mix.uses(Endpoint.CHECK) || mix.uses(Endpoint.ME) || mix.uses(Endpoint.LOGIN)
        || mix.uses(Endpoint.GRANT);
  }

  /** The Host header: host and port as given. */
  String hostHeader() {
    return url.getPort() > 0 ? url.getHost() + ":" + url.getPort() : url.getHost();
  }

  private static void between(String flag, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(flag + " must be between " + min + " and " + max + ", got " + value);
    }
  }
}
