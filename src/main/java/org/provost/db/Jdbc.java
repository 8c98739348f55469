package org.provost.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Small, explicit JDBC calls: a statement, its parameters, a row mapper. Each call on a pooled connection
 * of {@link Database} reports its query name, duration and row count to the database's
 * {@link QueryObserver} (metrics, slow-query log); name a statement with {@link #named}.
 */
public final class Jdbc {
  private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_.]{1,64}");

  private Jdbc() {}

  /**
   * {@code sql} labelled {@code name} for metrics and logs (and PostgreSQL's own logs): a leading
   * {@code /* name *}{@code /} comment. {@code name} is {@code [A-Za-z0-9_.]}, at most 64 characters,
   * e.g. {@code users.page}.
   *
   * @throws IllegalArgumentException for any other name
   */
  public static String named(String name, String sql) {
    if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("bad query name " + name);
    return "/* " + name + " */ " + sql;
  }

  private static QueryObserver observer(Connection c) {
    return c instanceof StatementCounter.Observed o ? o.queryObserver() : QueryObserver.NONE;
  }

  private static QueryEvent begin() {
    QueryEvent event = new QueryEvent();
    event.begin();
    return event;
  }

  private static void report(Connection c, String sql, QueryEvent event, long start, long rows) {
    event.end();
    if (event.shouldCommit()) {
      event.query = QueryNames.of(sql);
      event.rows = rows;
      event.commit();
    }
    QueryObserver o = observer(c);
    if (o != QueryObserver.NONE) o.executed(QueryNames.of(sql), System.nanoTime() - start, rows);
  }

  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** Reads a whole result set at once, e.g. straight into JSON bytes. */
  @FunctionalInterface
  public interface ResultReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /**
   * Runs {@code sql} and hands its result set to {@code reader}, reported like every other call here: the
   * query's name and its time from execution until the reader returns, so a page written straight from the
   * result set is in {@code provost_db_query_seconds} and the slow-query log too. Its rows are not counted
   * (reported as -1): the reader may stop early, and may run other statements on {@code c} meanwhile (their
   * time is then part of this one's).
   */
  public static <T> T read(Connection c, String sql, ResultReader<T> reader, Object... params) throws SQLException {
    return query(c, sql, params, reader, result -> -1);
  }

  public static <T> List<T> list(Connection c, String sql, RowMapper<T> mapper, Object... params)
      throws SQLException {
    return query(c, sql, params, rs -> {
      List<T> out = new ArrayList<>();
      while (rs.next()) out.add(mapper.map(rs));
      return out;
    }, List::size);
  }

  public static <T> Optional<T> one(Connection c, String sql, RowMapper<T> mapper, Object... params)
      throws SQLException {
    return query(c, sql, params, rs -> rs.next() ? Optional.of(mapper.map(rs)) : Optional.<T>empty(),
        row -> row.isPresent() ? 1 : 0);
  }

  /** The one place a query runs: bound, executed, read by {@code reader}, reported with {@code rows}. */
  private static <T> T query(Connection c, String sql, Object[] params, ResultReader<T> reader,
      java.util.function.ToLongFunction<T> rows) throws SQLException {
    QueryEvent event = begin();
    long start = System.nanoTime();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      try (ResultSet rs = ps.executeQuery()) {
        T result = reader.read(rs);
        report(c, sql, event, start, rows.applyAsLong(result));
        return result;
      }
    }
  }

  public static int update(Connection c, String sql, Object... params) throws SQLException {
    QueryEvent event = begin();
    long start = System.nanoTime();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, params);
      int n = ps.executeUpdate();
      report(c, sql, event, start, n);
      return n;
    }
  }

  /** Runs an INSERT/UPDATE ... RETURNING a single bigint. */
  public static long returningLong(Connection c, String sql, Object... params) throws SQLException {
    return query(c, sql, params, rs -> {
      if (!rs.next()) throw new SQLException("statement returned no row: " + sql);
      return rs.getLong(1);
    }, v -> 1);
  }

  public static void bind(PreparedStatement ps, Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      Object p = params[i];
      int idx = i + 1;
      switch (p) {
        case null -> ps.setNull(idx, Types.NULL);
        case Instant t -> ps.setTimestamp(idx, Timestamp.from(t));
        case LocalDate d -> ps.setObject(idx, d);
        case Long[] a -> ps.setArray(idx, ps.getConnection().createArrayOf("bigint", a));
        case String[] a -> ps.setArray(idx, ps.getConnection().createArrayOf("text", a));
        default -> ps.setObject(idx, p);
      }
    }
  }

  public static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }

  public static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }
}
