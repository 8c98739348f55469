package org.provost.directory;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
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
 * {@code /v1/offerings}: a course in a term, named {@code <course>/<term>}. Any authenticated caller reads;
 * writing needs {@code directory.write} in the course's scope, which a grant on its department covers.
 * Creating and deleting one adds or removes a scope that grants can name, so they go through the changelog.
 */
final class OfferingRoutes {
  private static final long MAX_CAPACITY = Integer.MAX_VALUE;

  private OfferingRoutes() {}

  static void mount(Api api, Database db, Authority authority) {
    api.blocking(HttpMethod.GET, "/v1/offerings", req -> {
      Listing page = Listing.of(req);
      Optional<String> course = req.query("course");
      Optional<String> term = req.query("term");
      return db.read(c -> {
        Long courseId = course.isEmpty() ? null : Codes.course(c, "course", course.get());
        Long termId = term.isEmpty() ? null : Codes.term(c, "term", term.get());
        return Reply.ok(page.page(OfferingStore.list(c, courseId, termId, page), Offering::toJson,
            Offering::key));
      });
    });

    api.blocking(HttpMethod.GET, "/v1/offerings/{course}/{term}", req ->
        db.read(c -> Reply.ok(OfferingStore.get(c, req.path("course"), req.path("term")).toJson())));

    api.blocking(HttpMethod.POST, "/v1/offerings", req -> {
      Input in = req.json("course", "term", "capacity");
      String course = in.requiredString("course", Codes.MAX_CODE);
      String term = in.requiredString("term", Codes.MAX_CODE);
      Long capacity = in.optionalInteger("capacity", 0, MAX_CAPACITY);
      in.validate();
      return authority.write(db, c -> {
        References refs = references(c, course, term);
        authority.requireToWrite(c, req.principal(), Codes.WRITE, Scope.course(refs.courseId()));
        long id = OfferingStore.insert(c, refs.courseId(), refs.termId(), capacity);
        Offering created = OfferingStore.get(c, course, term);
        Audit.record(c, req.principal(), "offering.create", "offering", created.key(), null, created.toJson());
        long revision = Changelog.record(c, Change.Entity.OFFERING, id, Change.Op.CREATE, Change.NO_USER);
        return Reply.created(created.toJson().put("revision", revision));
      });
    });

    api.blocking(HttpMethod.PATCH, "/v1/offerings/{course}/{term}", req -> {
      Input in = req.json("id", "course", "term", "capacity");
      for (String field : List.of("id", "course", "term")) {
        Codes.immutable(in, field, "an offering is one course in one term; create another instead");
      }
      boolean capacityGiven = in.has("capacity");
      Long capacity = in.optionalInteger("capacity", 0, MAX_CAPACITY);
      in.validate();
      return authority.write(db, c -> {
        Offering before = OfferingStore.get(c, req.path("course"), req.path("term"));
        authority.requireToWrite(c, req.principal(), Codes.WRITE, Scope.course(before.courseId()));
        if (!capacityGiven) return Reply.ok(before.toJson().put("revision", Changelog.current(c)));
        OfferingStore.updateCapacity(c, before.id(), capacity);
        Offering after = OfferingStore.get(c, before.course(), before.term());
        Audit.record(c, req.principal(), "offering.update", "offering", before.key(), before.toJson(),
            after.toJson());
        return Reply.ok(after.toJson().put("revision", Changelog.current(c)));
      });
    });

    api.blocking(HttpMethod.DELETE, "/v1/offerings/{course}/{term}", req -> authority.write(db, c -> {
      Offering before = OfferingStore.lock(c, req.path("course"), req.path("term"));
      authority.requireToWrite(c, req.principal(), Codes.WRITE, Scope.course(before.courseId()));
      OfferingStore.delete(c, before);
      Audit.record(c, req.principal(), "offering.delete", "offering", before.key(), before.toJson(), null);
      long revision = Changelog.record(c, Change.Entity.OFFERING, before.id(), Change.Op.DELETE, Change.NO_USER);
      return Reply.ok(new JsonObject().put("revision", revision));
    }));
  }

  /** The course and term ids, or one InvalidInput naming each unknown one. */
  private static References references(Connection c, String course, String term) throws SQLException {
    Optional<Long> courseId = Codes.findCourse(c, course);
    Optional<Long> termId = Codes.findTerm(c, term);
    List<FieldError> errors = new ArrayList<>();
    if (courseId.isEmpty()) errors.add(new FieldError("course", "no course has code " + course));
    if (termId.isEmpty()) errors.add(new FieldError("term", "no term has code " + term));
    if (!errors.isEmpty()) throw new ServiceException.InvalidInput(errors);
    return new References(courseId.get(), termId.get());
  }

  private record References(long courseId, long termId) {}
}
