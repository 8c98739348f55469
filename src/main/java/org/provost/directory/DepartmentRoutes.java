package org.provost.directory;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.provost.audit.Audit;
import org.provost.authz.Authority;
import org.provost.authz.Scope;
import org.provost.db.Changelog;
import org.provost.feed.Change;
import org.provost.db.Database;
import org.provost.error.ServiceException;
import org.provost.error.ServiceException.FieldError;
import org.provost.http.Api;
import org.provost.http.Input;
import org.provost.http.Reply;

/**
 * {@code /v1/departments}. Any authenticated caller reads; writing needs {@code directory.write} in the
 * department's own scope, in the parent's to create one (global for a top-level one), and also in the new
 * parent's to move one. Creating, moving and deleting change which grants cover what, so they go through
 * the changelog.
 */
final class DepartmentRoutes {
  private DepartmentRoutes() {}

  static void mount(Api api, Database db, Authority authority) {
    api.blocking(HttpMethod.GET, "/v1/departments", req -> {
      Listing page = Listing.of(req);
      Optional<String> parent = req.query("parent");
      return db.read(c -> {
        Long parentId = parent.isEmpty() ? null : Codes.department(c, "parent", parent.get());
        return Reply.ok(page.page(DepartmentStore.list(c, parentId, page), Department::toJson, Department::code));
      });
    });

    api.blocking(HttpMethod.GET, "/v1/departments/{code}", req ->
        db.read(c -> Reply.ok(DepartmentStore.get(c, req.path("code")).toJson())));

    api.blocking(HttpMethod.POST, "/v1/departments", req -> {
      Input in = req.json("code", "name", "parent");
      String code = in.requiredString("code", Codes.MAX_CODE, Codes.CODE, Codes.CODE_HINT);
      String name = in.requiredString("name", Codes.MAX_NAME);
      String parent = in.optionalString("parent", Codes.MAX_CODE);
      in.validate();
      return authority.write(db, c -> {
        Long parentId = parent == null ? null : Codes.department(c, "parent", parent);
        authority.requireToWrite(c, req.principal(), Codes.WRITE, scopeOf(parentId));
        if (parentId != null) DepartmentStore.refuseTooDeep(c, parentId, 1);
        long id = DepartmentStore.insert(c, code, name, parentId);
        Department created = DepartmentStore.get(c, code);
        Audit.record(c, req.principal(), "department.create", "department", code, null, created.toJson());
        long revision = Changelog.record(c, Change.Entity.DEPARTMENT, id, Change.Op.CREATE, Change.NO_USER);
        return Reply.created(created.toJson().put("revision", revision));
      });
    });

    api.blocking(HttpMethod.PATCH, "/v1/departments/{code}", req -> {
      Input in = req.json("code", "name", "parent");
      Codes.immutable(in, "code", "it names the department; create a new one and move its courses");
      String name = Codes.changed(in, "name", Codes.MAX_NAME);
      boolean parentGiven = in.has("parent");
      String parent = in.optionalString("parent", Codes.MAX_CODE);
      in.validate();
      return authority.write(db, c -> {
        Department before = DepartmentStore.get(c, req.path("code"));
        authority.requireToWrite(c, req.principal(), Codes.WRITE, Scope.department(before.id()));
        if (name == null && !parentGiven) return Reply.ok(before.toJson().put("revision", Changelog.current(c)));
        Long parentId = !parentGiven ? before.parentId()
            : parent == null ? null : Codes.department(c, "parent", parent);
        boolean moved = !Objects.equals(parentId, before.parentId());
        if (moved) {
          authority.requireToWrite(c, req.principal(), Codes.WRITE, scopeOf(parentId));
          if (parentId != null && DepartmentStore.wouldCycle(c, before.id(), parentId)) {
            throw new ServiceException.Conflict("cycle", "department " + before.code() + " cannot move under "
                + parent + ": that is " + before.code() + " itself or one of its sub-departments",
                List.of(new FieldError("parent", "is " + before.code() + " or one of its sub-departments")));
          }
          if (parentId != null) DepartmentStore.refuseTooDeep(c, parentId, DepartmentStore.height(c, before.id()));
          authority.requireMove(c, req.principal(), Scope.department(before.id()), before.parentId(), parentId);
        }
        DepartmentStore.update(c, before.id(), name == null ? before.name() : name, parentId);
        Department after = DepartmentStore.get(c, before.code());
        Audit.record(c, req.principal(), "department.update", "department", before.code(), before.toJson(),
            after.toJson());
        long revision = moved
            ? Changelog.record(c, Change.Entity.DEPARTMENT, before.id(), Change.Op.MOVE, Change.NO_USER)
            : Changelog.current(c);
        return Reply.ok(after.toJson().put("revision", revision));
      });
    });

    api.blocking(HttpMethod.DELETE, "/v1/departments/{code}", req -> authority.write(db, c -> {
      Department before = DepartmentStore.lock(c, req.path("code"));
      authority.requireToWrite(c, req.principal(), Codes.WRITE, Scope.department(before.id()));
      DepartmentStore.delete(c, before);
      Audit.record(c, req.principal(), "department.delete", "department", before.code(), before.toJson(), null);
      long revision = Changelog.record(c, Change.Entity.DEPARTMENT, before.id(), Change.Op.DELETE, Change.NO_USER);
      return Reply.ok(new JsonObject().put("revision", revision));
    }));
  }

  private static Scope scopeOf(Long departmentId) {
    return departmentId == null ? Scope.GLOBAL : Scope.department(departmentId);
  }
}
