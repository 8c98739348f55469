package org.provost.db;

import java.net.URI;
import java.net.URISyntaxException;
import org.provost.config.ConfigException;

/** Accepts {@code postgresql://user:pass@host:port/db?opts} (libpq style) or a plain {@code jdbc:postgresql:} URL. */
final class JdbcUrls {
  private JdbcUrls() {}

  static String toJdbc(String url, String key) {
    if (url.startsWith("jdbc:postgresql:")) return url;
    if (!url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
      throw new ConfigException(key, url, "must start with postgresql:// or jdbc:postgresql://");
    }
    try {
      URI uri = new URI(url);
      if (uri.getHost() == null) throw new ConfigException(key, url, "names no host");
      StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getHost());
      if (uri.getPort() > 0) jdbc.append(':').append(uri.getPort());
      String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/postgres" : uri.getPath();
      jdbc.append(path);
      StringBuilder query = new StringBuilder(uri.getRawQuery() == null ? "" : uri.getRawQuery());
      String userInfo = uri.getUserInfo();
      if (userInfo != null) {
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
        append(query, "user", user);
        if (colon >= 0) append(query, "password", userInfo.substring(colon + 1));
      }
      if (!query.isEmpty()) jdbc.append('?').append(query);
      return jdbc.toString();
    } catch (URISyntaxException e) {
      throw new ConfigException(key, url, "is not a valid URL (" + e.getReason() + ")");
    }
  }

  private static void append(StringBuilder query, String key, String value) {
    if (!query.isEmpty()) query.append('&');
    query.append(key).append('=').append(value);
  }
}
