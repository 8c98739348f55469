package org.provost.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.provost.authz.AuthzIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far behind the database this instance's authorization index is, and how big it is. {@link #sample}
 * (every second, off the event loop) reads the changelog's head revision and the commit time of the
 * oldest change not yet applied; the gauges read the last sample, so a scrape never touches SQL.
 *
 * <ul>
 *   <li>{@code provost_authz_lag_revisions}: head revision minus applied revision (0 when current);
 *   <li>{@code provost_authz_lag_seconds}: age of the oldest committed change not yet applied (0 when current);
 *   <li>{@code provost_authz_users}, {@code provost_authz_grants}, {@code provost_authz_heap_bytes}: entries
 *       and a heap estimate, refreshed when the applied revision moved (else every 30 samples);
 *   <li>{@code provost_authz_reloads_total}, {@code provost_authz_waiting_requests};
 *   <li>{@code provost_ready}: 1 when the instance accepts traffic and the last sample reached the primary.
 * </ul>
 */
public final class IndexMetrics {
  private static final Logger LOG = LoggerFactory.getLogger(IndexMetrics.class);
  private final AuthzIndex index;
  private final DataSource primary;
  private final BooleanSupplier accepting;
  private volatile long head;
  private volatile double lagSeconds;
  private volatile boolean databaseUp;
  private volatile AuthzIndex.Footprint footprint = new AuthzIndex.Footprint(0, 0, 0);
  private int samples;
  private long footprintAt = -1;

  /**
   * @param primary a pool used directly, so the sampler's statements are not counted as the service's
   * @param accepting true while the instance is started and not draining
   * @param waiting requests waiting now for their {@code at_least_revision} to be applied
   */
  public IndexMetrics(MeterRegistry meters, AuthzIndex index, DataSource primary, BooleanSupplier accepting,
      java.util.function.IntSupplier waiting) {
    this.index = index;
    this.primary = primary;
    this.accepting = accepting;
    Gauge.builder("provost.authz.lag.revisions", this, m -> Math.max(0, m.head - m.index.revision()))
        .description("changes committed to the database that this instance's index has not applied").register(meters);
    Gauge.builder("provost.authz.lag.seconds", this, m -> m.lagSeconds)
        .description("age of the oldest committed change this instance's index has not applied").register(meters);
    Gauge.builder("provost.authz.users", this, m -> m.footprint.users())
        .description("users held in the authorization index").register(meters);
    Gauge.builder("provost.authz.grants", this, m -> m.footprint.grants())
        .description("grants held in the authorization index").register(meters);
    Gauge.builder("provost.authz.heap", this, m -> m.footprint.heapBytes()).baseUnit("bytes")
        .description("estimated heap held by the authorization index").register(meters);
    FunctionCounter.builder("provost.authz.reloads", index, AuthzIndex::reloads)
        .description("whole reloads of the authorization index, the first load included").register(meters);
    Gauge.builder("provost.authz.waiting.requests", waiting, java.util.function.IntSupplier::getAsInt)
        .description("requests waiting for their at_least_revision to be applied").register(meters);
    Gauge.builder("provost.ready", this, m -> m.accepting.getAsBoolean() && m.databaseUp ? 1 : 0)
        .description("1 when this instance accepts traffic and reached the primary at the last sample").register(meters);
  }

  /** One sample. Blocking (one short query); never throws. */
  public void sample() {
    long applied = index.revision();
    try (Connection c = primary.getConnection();
         PreparedStatement ps = c.prepareStatement("""
             SELECT (SELECT coalesce(max(revision), 0) FROM changelog),
                    (SELECT at FROM changelog WHERE revision > ? ORDER BY revision LIMIT 1), now()""")) {
      ps.setQueryTimeout(2);
      ps.setLong(1, applied);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        head = rs.getLong(1);
        Timestamp oldest = rs.getTimestamp(2);
        lagSeconds = oldest == null ? 0 : Math.max(0, (rs.getTimestamp(3).getTime() - oldest.getTime()) / 1000.0);
      }
      databaseUp = true;
    } catch (SQLException | RuntimeException e) {
      if (databaseUp) LOG.warn("index lag sample failed: {}", e.getMessage());
      databaseUp = false;
    }
    // a scan of the table: after a change, else now and then
    if (applied != footprintAt || samples++ % 30 == 0) {
      footprintAt = applied;
      footprint = index.footprint();
    }
  }
}
