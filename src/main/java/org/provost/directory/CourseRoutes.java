package org.provost.directory;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import org.provost.audit.Audit;
import org.provost.authz.Authority;
import org.provost.authz.Scope;
import org.provost.db.Changelog;
import org.provost.feed.Change;
import org.provost.db.Database;
import org.provost.http.Api;
import org.provost.http.Input;
import org.provost.http.Reply;

/**
 * {@code /v1/courses}. Any authenticated caller reads; writing needs {@code directory.write} in the course's
 * department (and in the new department's, to move it). Creating, moving and deleting a course change
 * which department grants cover it, so they go through the changelog.
 */
final class CourseRoutes {
  private CourseRoutes() {}

  static void mount(Api api, Database db, Authority authority) {
    api.blocking(HttpMethod.GET, "/v1/courses", req -> {
      Listing page = Listing.of(req);
      Optional<String> department = req.query("department");
      return db.read(c -> {
        Long departmentId = department.isEmpty() ? null : Codes.department(c, "department", department.get());
        return Reply.ok(page.page(CourseStore.list(c, departmentId, page), Course::toJson, Course::code));
      });
    });

    api.blocking(HttpMethod.GET, "/v1/courses/{code}", req ->
        db.read(c -> Reply.ok(CourseStore.get(c, req.path("code")).toJson())));

    api.blocking(HttpMethod.POST, "/v1/courses", req -> {
      Input in = req.json("code", "title", "department");
      String code = in.requiredString("code", Codes.MAX_CODE, Codes.CODE, Codes.CODE_HINT);
      String title = in.requiredString("title", Codes.MAX_NAME);
      String department = in.requiredString("department", Codes.MAX_CODE);
      in.validate();
      return authority.write(db, c -> {
        long departmentId = Codes.department(c, "department", department);
        authority.requireToWrite(c, req.principal(), Codes.WRITE, Scope.department(departmentId));
        long id = CourseStore.insert(c, code, title, departmentId);
        Course created = CourseStore.get(c, code);
        Audit.record(c, req.principal(), "course.create", "course", code, null, created.toJson());
        long revision = Changelog.record(c, Change.Entity.COURSE, id, Change.Op.CREATE, Change.NO_USER);
        return Reply.created(created.toJson().put("revision", revision));
      });
    });

    api.blocking(HttpMethod.PATCH, "/v1/courses/{code}", req -> {
      Input in = req.json("code", "title", "department");
      Codes.immutable(in, "code", "it names the course and its offerings");
      String title = Codes.changed(in, "title", Codes.MAX_NAME);
      String department = Codes.changed(in, "department", Codes.MAX_CODE);
      in.validate();
      return authority.write(db, c -> {
        Course before = CourseStore.get(c, req.path("code"));
        authority.requireToWrite(c, req.principal(), Codes.WRITE, Scope.department(before.departmentId()));
        if (title == null && department == null) {
          return Reply.ok(before.toJson().put("revision", Changelog.current(c)));
        }
        long departmentId = department == null ? before.departmentId()
            : Codes.department(c, "department", department);
        boolean moved = departmentId != before.departmentId();
        if (moved) {
          authority.requireToWrite(c, req.principal(), Codes.WRITE, Scope.department(departmentId));
          authority.requireMove(c, req.principal(), Scope.course(before.id()), before.departmentId(), departmentId);
        }
        CourseStore.update(c, before.id(), title == null ? before.title() : title, departmentId);
        Course after = CourseStore.get(c, before.code());
        Audit.record(c, req.principal(), "course.update", "course", before.code(), before.toJson(),
            after.toJson());
        long revision = moved
            ? Changelog.record(c, Change.Entity.COURSE, before.id(), Change.Op.MOVE, Change.NO_USER)
            : Changelog.current(c);
        return Reply.ok(after.toJson().put("revision", revision));
      });
    });

    api.blocking(HttpMethod.DELETE, "/v1/courses/{code}", req -> authority.write(db, c -> {
      Course before = CourseStore.lock(c, req.path("code"));
      authority.requireToWrite(c, req.principal(), Codes.WRITE, Scope.department(before.departmentId()));
      CourseStore.delete(c, before);
      Audit.record(c, req.principal(), "course.delete", "course", before.code(), before.toJson(), null);
      long revision = Changelog.record(c, Change.Entity.COURSE, before.id(), Change.Op.DELETE, Change.NO_USER);
      return Reply.ok(new JsonObject().put("revision", revision));
    }));
  }
}
