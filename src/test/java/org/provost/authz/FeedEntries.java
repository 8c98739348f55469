package org.provost.authz;

import java.util.List;
import org.provost.db.Database;
import org.provost.db.Jdbc;
import org.provost.feed.Change;

/** The changelog as the change feed hands it to an index, for tests that apply changes themselves. */
final class FeedEntries {
  private FeedEntries() {}

  /** Every change recorded after {@code revision}, in revision order. */
  static List<Change> after(Database db, long revision) {
    return db.read(c -> Jdbc.list(c,
        "SELECT " + Change.COLUMNS + " FROM changelog WHERE revision > ? ORDER BY revision",
        rs -> Change.fromRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5)),
        revision));
  }
}
