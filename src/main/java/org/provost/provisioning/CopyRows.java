package org.provost.provisioning;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/**
 * Streams rows into one {@code COPY ... FROM STDIN} in PostgreSQL's text format, field by field, through a
 * 256 KiB buffer: no statement per row, no intermediate strings per row.
 */
final class CopyRows implements AutoCloseable {
  private static final int BUFFER = 256 * 1024;

  private final CopyIn copy;
  private final byte[] buf = new byte[BUFFER];
  private int pos;
  private boolean rowStarted;
  private long rows;

  private CopyRows(CopyIn copy) {
    this.copy = copy;
  }

  /** Starts {@code COPY <table> (<columns>) FROM STDIN} on the caller's transaction. */
  static CopyRows into(Connection c, String table, String columns) throws SQLException {
    CopyManager manager = new CopyManager(c.unwrap(BaseConnection.class));
    return new CopyRows(manager.copyIn("COPY " + table + " (" + columns + ") FROM STDIN"));
  }

  CopyRows text(String value) throws SQLException {
    if (value == null) return nul();
    separator();
    for (int i = 0, n = value.length(); i < n; i++) {
      char ch = value.charAt(i);
      if (ch >= 0x80) {
        bytes(value.substring(i).getBytes(StandardCharsets.UTF_8), true);
        return this;
      }
      ascii(ch);
    }
    return this;
  }

  CopyRows number(long value) throws SQLException {
    separator();
    bytes(Long.toString(value).getBytes(StandardCharsets.US_ASCII), false);
    return this;
  }

  CopyRows number(Long value) throws SQLException {
    return value == null ? nul() : number(value.longValue());
  }

  CopyRows bool(boolean value) throws SQLException {
    separator();
    put((byte) (value ? 't' : 'f'));
    return this;
  }

  CopyRows bool(Boolean value) throws SQLException {
    return value == null ? nul() : bool(value.booleanValue());
  }

  CopyRows instant(Instant value) throws SQLException {
    return value == null ? nul() : text(value.toString());
  }

  CopyRows nul() throws SQLException {
    separator();
    put((byte) '\\');
    put((byte) 'N');
    return this;
  }

  /** Ends the current row. */
  void endRow() throws SQLException {
    put((byte) '\n');
    rowStarted = false;
    rows++;
  }

  long rows() {
    return rows;
  }

  /** Sends what is buffered and completes the COPY; returns the rows the server stored. */
  long finish() throws SQLException {
    flush();
    return copy.endCopy();
  }

  @Override
  public void close() throws SQLException {
    if (copy.isActive()) copy.cancelCopy();
  }

  private void separator() throws SQLException {
    if (rowStarted) put((byte) '\t');
    rowStarted = true;
  }

  private void ascii(char ch) throws SQLException {
    switch (ch) {
      case '\\' -> escaped('\\');
      case '\t' -> escaped('t');
      case '\n' -> escaped('n');
      case '\r' -> escaped('r');
      default -> put((byte) ch);
    }
  }

  private void bytes(byte[] utf8, boolean escape) throws SQLException {
    for (byte b : utf8) {
      if (escape && b >= 0) ascii((char) b);
      else put(b);
    }
  }

  private void escaped(char ch) throws SQLException {
    put((byte) '\\');
    put((byte) ch);
  }

  private void put(byte b) throws SQLException {
    if (pos == BUFFER) flush();
    buf[pos++] = b;
  }

  private void flush() throws SQLException {
    if (pos > 0) copy.writeToCopy(buf, 0, pos);
    pos = 0;
  }
}
