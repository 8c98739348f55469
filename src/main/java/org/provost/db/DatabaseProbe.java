package org.provost.db;

import java.net.URI;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import org.provost.config.Config;
import org.provost.config.StartupException;

/**
 * One connection attempt to a configured PostgreSQL before any pool is made, so that a wrong or unreachable
 * URL stops start-up within seconds with a message naming the variable and the fix (never the password).
 */
final class DatabaseProbe {
  private DatabaseProbe() {}

  /** Connects once to {@code jdbcUrl} (from {@code key}); throws {@link StartupException} saying what is wrong. */
  static void check(String jdbcUrl, String key, Config config) {
    Properties props = new Properties();
    config.databaseUser().ifPresent(u -> props.setProperty("user", u));
    config.databasePassword().ifPresent(p -> props.setProperty("password", p));
    props.setProperty("connectTimeout", "5");
    props.setProperty("socketTimeout", "10");
    props.setProperty("loginTimeout", "10");
    try (var c = DriverManager.getConnection(jdbcUrl, props)) {
      return;
    } catch (SQLException e) {
      throw new StartupException(explain(e, jdbcUrl, key, config));
    }
  }

  static String explain(SQLException e, String jdbcUrl, String key, Config config) {
    Target t = Target.of(jdbcUrl, config);
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String where = "PostgreSQL at " + t.host + ":" + t.port;
    return switch (state) {
      case "3D000" -> "database \"" + t.database + "\" does not exist on " + where + " (" + key + "); create it:"
          + "\n    createdb -h " + t.host + " -p " + t.port + " -U " + t.user + " " + t.database
          + "\nthen start again (provost creates the tables itself)";
      case "28P01", "28000" -> where + " refused user \"" + t.user + "\" (" + key + "): check the user and password "
          + "in " + key + " (or PROVOST_DATABASE_USER and PROVOST_DATABASE_PASSWORD) and the server's pg_hba.conf";
      case "08001", "08004", "08006", "08000" -> {
        String why = cause(e);
        yield "cannot reach " + where + " named by " + key + " (" + why + "): start PostgreSQL there, or fix " + key;
      }
      default -> "cannot use the database named by " + key + " (" + where + "/" + t.database + "): "
          + firstLine(e.getMessage()) + " [SQLSTATE " + state + "]";
    };
  }

  private static String cause(SQLException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof java.net.UnknownHostException) return "unknown host";
      if (c instanceof java.net.ConnectException) return "connection refused";
      if (c instanceof java.net.SocketTimeoutException) return "no answer within 5 s";
    }
    return "no connection";
  }

  private static String firstLine(String message) {
    if (message == null) return "";
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** Host, port, database and user of a JDBC URL, for messages (the password is never kept). */
  private record Target(String host, int port, String database, String user) {
    static Target of(String jdbcUrl, Config config) {
      try {
        URI uri = new URI(jdbcUrl.substring("jdbc:".length()));
        String query = Optional.ofNullable(uri.getRawQuery()).orElse("");
        String user = config.databaseUser().orElse(null);
        for (String pair : query.split("&")) {
          if (user == null && pair.startsWith("user=")) user = pair.substring(5);
        }
        String db = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
        return new Target(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432, db,
            user != null ? user : System.getProperty("user.name"));
      } catch (Exception e) {
        return new Target("?", 5432, "?", "?");
      }
    }
  }
}
