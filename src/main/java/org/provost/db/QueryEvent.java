package org.provost.db;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * A SQL statement run through {@link Jdbc}, as a Java Flight Recorder event: in a recording, the slow
 * statements with their query name, row count, duration, thread and the stack that issued them. Recorded
 * only while a recording is running and only at or above its threshold (10 ms unless the recording's
 * settings say {@code org.provost.SqlQuery#threshold=...}); otherwise it costs next to nothing.
 */
@Name("org.provost.SqlQuery")
@Label("SQL query")
@Category({"Provost", "Database"})
@Description("A SQL statement issued through org.provost.db.Jdbc")
@StackTrace(true)
@Threshold("10 ms")
final class QueryEvent extends Event {
  @Label("Query")
  @Description("the statement's name (a /* name */ comment, or its verb and first table)")
  String query;

  @Label("Rows")
  @Description("rows returned or changed")
  long rows;
}
