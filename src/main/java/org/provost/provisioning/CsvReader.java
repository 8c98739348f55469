package org.provost.provisioning;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads RFC 4180 CSV one record at a time: comma-separated, fields optionally in double quotes, {@code ""}
 * for a quote inside quotes, commas and line breaks allowed inside quotes, CRLF or LF line ends. A leading
 * byte-order mark and blank lines are skipped. A malformed record is still returned, with its error, so
 * the caller can report it by line and go on.
 */
final class CsvReader {
  /** One record: the line it starts on (1 = the first line), its fields, and what is wrong with it or null. */
  record Record(int line, List<String> fields, String error) {}

  private static final int EOF = -1;
  private final Reader in;
  private final char[] buf = new char[64 * 1024];
  private int len;
  private int pos;
  private int pushedBack = -2;
  private int line = 1;
  private boolean started;
  private boolean strayQuote;

  CsvReader(Reader in) {
    this.in = in;
  }

  /** The next record, or null at the end of the input. */
  Record next() throws IOException {
    while (true) {
      int first = read();
      if (!started) {
        started = true;
        if (first == '\uFEFF') first = read();
      }
      if (first == EOF) return null;
      if (first == '\n' || first == '\r') {
        endOfLine(first);
        continue;
      }
      unread(first);
      return record();
    }
  }

  private Record record() throws IOException {
    int startLine = line;
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    String error = null;
    while (true) {
      field.setLength(0);
      int ch = read();
      if (ch == '"') {
        while (true) {
          ch = read();
          if (ch == EOF) {
            fields.add(field.toString());
            return new Record(startLine, fields, "a quoted field is not closed before the end of the file");
          }
          if (ch == '"') {
            int after = read();
            if (after != '"') {
              ch = after;
              break;
            }
          } else if (ch == '\n') {
            line++;
          }
          field.append((char) ch);
        }
        if (ch != ',' && ch != '\n' && ch != '\r' && ch != EOF) {
          if (error == null) error = "text follows a closing quote (a quote inside a field is written \"\")";
          ch = unquoted(field, ch);
        }
      } else {
        ch = unquoted(field, ch);
        if (strayQuote && error == null) {
          error = "a quote inside a field that is not quoted (quote the field, and write \"\")";
        }
      }
      fields.add(field.toString());
      if (ch == ',') continue;
      if (ch != EOF) endOfLine(ch);
      return new Record(startLine, fields, error);
    }
  }

  /**
   * Reads an unquoted field's characters, starting with {@code ch}, up to a comma, line end or end of input,
   * and returns that terminator; {@link #strayQuote} tells whether the field held a quote.
   */
  private int unquoted(StringBuilder field, int ch) throws IOException {
    strayQuote = false;
    while (ch != ',' && ch != '\n' && ch != '\r' && ch != EOF) {
      if (ch == '"') strayQuote = true;
      field.append((char) ch);
      ch = read();
    }
    return ch;
  }

  private void endOfLine(int ch) throws IOException {
    if (ch == '\r') {
      int next = read();
      if (next != '\n') unread(next);
    }
    line++;
  }

  private int read() throws IOException {
    if (pushedBack != -2) {
      int ch = pushedBack;
      pushedBack = -2;
      return ch;
    }
    if (pos == len) {
      len = in.read(buf, 0, buf.length);
      pos = 0;
      if (len <= 0) {
        len = 0;
        return EOF;
      }
    }
    return buf[pos++];
  }

  private void unread(int ch) {
    pushedBack = ch;
  }
}
