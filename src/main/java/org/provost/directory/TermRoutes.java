package org.provost.directory;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import org.provost.audit.Audit;
import org.provost.authz.Authority;
import org.provost.authz.Scope;
import org.provost.db.Changelog;
import org.provost.db.Database;
import org.provost.error.ServiceException;
import org.provost.http.Api;
import org.provost.http.Input;
import org.provost.http.Reply;

/**
 * {@code /v1/terms}. Any authenticated caller reads; terms belong to the whole university, so writing
 * needs {@code directory.write} globally. A term changes no authorization answer by itself (its offerings
 * do), so its writes are audited but not in the changelog; they answer the current revision.
 */
final class TermRoutes {
  private TermRoutes() {}

  static void mount(Api api, Database db, Authority authority) {
    api.blocking(HttpMethod.GET, "/v1/terms", req -> {
      Listing page = Listing.of(req);
      return db.read(c -> Reply.ok(page.page(TermStore.list(c, page), Term::toJson, Term::code)));
    });

    api.blocking(HttpMethod.GET, "/v1/terms/{code}", req ->
        db.read(c -> Reply.ok(TermStore.get(c, req.path("code")).toJson())));

    api.blocking(HttpMethod.POST, "/v1/terms", req -> {
      Input in = req.json("code", "name", "starts_on", "ends_on");
      String code = in.requiredString("code", Codes.MAX_CODE, Codes.TERM, Codes.TERM_HINT);
      String name = in.requiredString("name", Codes.MAX_NAME);
      LocalDate startsOn = in.requiredDate("starts_on");
      LocalDate endsOn = in.requiredDate("ends_on");
      in.validate();
      requireOrdered(startsOn, endsOn);
      return authority.write(db, c -> {
        authority.requireToWrite(c, req.principal(), Codes.WRITE, Scope.GLOBAL);
        TermStore.insert(c, code, name, startsOn, endsOn);
        Term created = TermStore.get(c, code);
        Audit.record(c, req.principal(), "term.create", "term", code, null, created.toJson());
        return Reply.created(created.toJson().put("revision", Changelog.current(c)));
      });
    });

    api.blocking(HttpMethod.PATCH, "/v1/terms/{code}", req -> {
      Input in = req.json("code", "name", "starts_on", "ends_on");
      Codes.immutable(in, "code", "it names the term and its offerings");
      String name = Codes.changed(in, "name", Codes.MAX_NAME);
      LocalDate startsOn = in.has("starts_on") ? in.requiredDate("starts_on") : null;
      LocalDate endsOn = in.has("ends_on") ? in.requiredDate("ends_on") : null;
      in.validate();
      return authority.write(db, c -> {
        Term before = TermStore.get(c, req.path("code"));
        authority.requireToWrite(c, req.principal(), Codes.WRITE, Scope.GLOBAL);
        if (name == null && startsOn == null && endsOn == null) {
          return Reply.ok(before.toJson().put("revision", Changelog.current(c)));
        }
        Term after = new Term(before.id(), before.code(), name == null ? before.name() : name,
            startsOn == null ? before.startsOn() : startsOn, endsOn == null ? before.endsOn() : endsOn);
        requireOrdered(after.startsOn(), after.endsOn());
        TermStore.update(c, before.id(), after.name(), after.startsOn(), after.endsOn());
        Audit.record(c, req.principal(), "term.update", "term", before.code(), before.toJson(), after.toJson());
        return Reply.ok(after.toJson().put("revision", Changelog.current(c)));
      });
    });

    api.blocking(HttpMethod.DELETE, "/v1/terms/{code}", req -> authority.write(db, c -> {
      Term before = TermStore.lock(c, req.path("code"));
      authority.requireToWrite(c, req.principal(), Codes.WRITE, Scope.GLOBAL);
      TermStore.delete(c, before);
      Audit.record(c, req.principal(), "term.delete", "term", before.code(), before.toJson(), null);
      return Reply.ok(new JsonObject().put("revision", Changelog.current(c)));
    }));
  }

  /** A term ends on or after the day it starts. */
  private static void requireOrdered(LocalDate startsOn, LocalDate endsOn) {
    if (endsOn.isBefore(startsOn)) {
      throw new ServiceException.InvalidInput("ends_on", "must be on or after starts_on (" + startsOn + ")");
    }
  }
}
