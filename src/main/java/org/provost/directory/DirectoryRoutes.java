package org.provost.directory;

import org.provost.authz.Authority;
import org.provost.db.Database;
import org.provost.http.Api;

/**
 * The university's catalogue: departments (a tree), courses, terms and course offerings. The catalogue is
 * public inside the university, so any authenticated caller may read it; writes need
 * {@code directory.write} in the scope of what they change. Lists answer {@code {"items", "next",
 * "has_more"}} in code order.
 */
public final class DirectoryRoutes {
  private DirectoryRoutes() {}

  public static void mount(Api api, Database db, Authority authority) {
    api.describe("/openapi/directory.json");
    DepartmentRoutes.mount(api, db, authority);
    CourseRoutes.mount(api, db, authority);
    TermRoutes.mount(api, db, authority);
    OfferingRoutes.mount(api, db, authority);
  }
}
