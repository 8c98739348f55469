package org.provost.directory;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;
import org.provost.error.ServiceException;
import org.provost.http.Request;

/**
 * One page of a directory listing, in code order: {@code limit} (1-500, default 50) rows after the
 * {@code after} cursor, which is the {@code next} of the previous page (the last row's code). Stores fetch
 * {@code limit + 1} rows; the extra row only says whether there is more.
 */
record Listing(int limit, String after) {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;
  private static final int MAX_CURSOR = 2 * Codes.MAX_CODE + 1;

  static Listing of(Request req) {
    int limit = req.queryInt("limit", 1, MAX_LIMIT, DEFAULT_LIMIT);
    String after = req.query("after").orElse(null);
    if (after != null && after.length() > MAX_CURSOR) {
      throw new ServiceException.InvalidInput("after", "is not a cursor returned as next");
    }
    return new Listing(limit, after);
  }

  /** How many rows a store should fetch. */
  int fetch() {
    return limit + 1;
  }

  /** {@code {"items", "next", "has_more"}} from up to {@code limit + 1} rows. */
  <T> JsonObject page(List<T> rows, Function<T, JsonObject> json, Function<T, String> cursor) {
    boolean more = rows.size() > limit;
    List<T> items = more ? rows.subList(0, limit) : rows;
    JsonArray out = new JsonArray();
    for (T row : items) out.add(json.apply(row));
    return new JsonObject()
        .put("items", out)
        .put("next", more ? cursor.apply(items.getLast()) : null)
        .put("has_more", more);
  }
}
