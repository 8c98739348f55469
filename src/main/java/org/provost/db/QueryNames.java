package org.provost.db;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name a SQL statement is measured and logged under. A statement names itself with a leading comment,
 * {@code /* users.page *}{@code / SELECT ...} (see {@link Jdbc#named}; PostgreSQL's own logs and
 * {@code pg_stat_statements} then show the name too); an unnamed one is labelled by its verb, first table
 * and, for reads, updates and deletes, the column of its first condition ({@code select.users.by_id},
 * {@code update.sessions.by_id}, {@code insert.audit_events}, {@code select.changelog}). Names are short, lower
 * case {@code [a-z0-9_.]}: safe as a metric tag, and few (one per statement in the code, not per value).
 */
public final class QueryNames {
  private static final Pattern COMMENT = Pattern.compile("^\\s*/\\*\\s*([A-Za-z0-9_.]{1,64})\\s*\\*/");
  private static final Pattern VERB = Pattern.compile("^\\s*([A-Za-z]+)");
  private static final Pattern TABLE = Pattern.compile(
      "\\b(?:from|into|update|join)\\s+(?:only\\s+)?([A-Za-z_][A-Za-z0-9_]*)", Pattern.CASE_INSENSITIVE);
  private static final Pattern CONDITION = Pattern.compile(
      "\\bwhere\\s+(?:not\\s+)?(?:\\(\\s*)?(?:lower\\(\\s*)?(?:[A-Za-z_][A-Za-z0-9_]*\\.)?([A-Za-z_][A-Za-z0-9_]*)",
      Pattern.CASE_INSENSITIVE);
  private static final java.util.Set<String> NOT_COLUMNS = java.util.Set.of("true", "false", "exists", "not");
  private static final int MAX_CACHED = 2_000;
  private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

  private QueryNames() {}

  /** The statement's name; never null, at most 64 characters. */
  public static String of(String sql) {
    String name = CACHE.get(sql);
    if (name != null) return name;
    name = derive(sql);
    // statements are mostly constants; listings build a few variants each: the cache stays small
    if (CACHE.size() < MAX_CACHED) CACHE.put(sql, name);
    return name;
  }

  static String derive(String sql) {
    Matcher comment = COMMENT.matcher(sql);
    if (comment.find()) return comment.group(1).toLowerCase(Locale.ROOT);
    Matcher verb = VERB.matcher(sql);
    String v = verb.find() ? verb.group(1).toLowerCase(Locale.ROOT) : "sql";
    Matcher table = TABLE.matcher(sql);
    String t = table.find() ? table.group(1).toLowerCase(Locale.ROOT) : null;
    String name = t == null ? v : v + "." + t;
    if (t != null && (v.equals("select") || v.equals("update") || v.equals("delete"))) {
      Matcher where = CONDITION.matcher(sql);
      if (where.find() && !NOT_COLUMNS.contains(where.group(1).toLowerCase(Locale.ROOT))) {
        name += ".by_" + where.group(1).toLowerCase(Locale.ROOT);
      }
    }
    return name.length() <= 64 ? name : name.substring(0, 64);
  }
}
