package org.provost.provisioning;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.provost.authz.Authority;
import org.provost.authz.Scope;
import org.provost.db.Database;
import org.provost.error.ServiceException;
import org.provost.http.Api;
import org.provost.http.Principal;
import org.provost.http.Reply;
import org.provost.http.Request;

/**
 * {@code POST /v1/imports}: the SIS import over HTTP, a {@code text/csv} body with the options as query
 * parameters. Needs {@code imports.run} globally, and may change or deactivate only accounts the caller
 * dominates (see {@code Authority}). Its body limit is its own (PROVOST_IMPORT_MAX_BYTES).
 */
public final class ImportRoutes {
  private static final Set<String> PARAMETERS = Set.of("dry_run", "snapshot", "skip_invalid");

  private ImportRoutes() {}

  public static void mount(Api api, Database db, Authority authority, long maxBodyBytes) {
    api.describe("/openapi/imports.json");
    api.blocking(HttpMethod.POST, "/v1/imports", maxBodyBytes, req -> {
      for (String name : req.routingContext().queryParams().names()) {
        if (!PARAMETERS.contains(name)) {
          throw new ServiceException.InvalidInput(name, "is not a known parameter (dry_run, snapshot, skip_invalid)");
        }
      }
      Importer.Options options = new Importer.Options(req.queryBoolean("dry_run").orElse(false),
          req.queryBoolean("snapshot").orElse(false), req.queryBoolean("skip_invalid").orElse(false));
      requireCsv(req.contentType());
      Principal who = req.principal();
      db.read(c -> {
        authority.require(c, who, "imports.run", Scope.GLOBAL);
        return null;
      });
      ImportFile file = read(req);
      Importer.Actor actor = new Importer.Actor(who.actorUserId(), who.auditName(), "POST /v1/imports",
          new Importer.AccountGuard() {
            @Override
            public void authorize(Connection c) throws SQLException {
              authority.requireToWrite(c, who, "imports.run", Scope.GLOBAL);
            }

            @Override
            public Map<Long, String> outranking(Connection c, Collection<Long> ids) throws SQLException {
              return authority.outranking(c, who, ids);
            }
          });
      ImportReport report = db.write(c -> Importer.run(c, file, options, actor));
      if (report.applied()) org.provost.db.Vacuum.readTables(db.direct()); // a rejected run wrote nothing
      if (report.rejected()) throw report.rejection();
      return Reply.ok(report.toJson());
    });
  }

  /** {@code text/csv}, in UTF-8 (the default, or said by a charset parameter). */
  private static void requireCsv(String contentType) {
    String[] parts = contentType.split(";");
    boolean csv = parts[0].strip().toLowerCase(Locale.ROOT).equals("text/csv");
    for (int i = 1; i < parts.length && csv; i++) {
      String[] kv = parts[i].strip().split("=", 2);
      if (kv[0].strip().equalsIgnoreCase("charset")) {
        String charset = kv.length < 2 ? "" : kv[1].strip().replace("\"", "");
        csv = charset.equalsIgnoreCase("utf-8") || charset.equalsIgnoreCase("utf8");
      }
    }
    if (!csv) {
      throw new ServiceException.UnsupportedMediaType("text/csv (UTF-8)",
          contentType.isEmpty() ? "no Content-Type" : ImportFile.shown(contentType));
    }
  }

  private static ImportFile read(Request req) throws IOException {
    Buffer body = req.body();
    byte[] bytes = body == null ? new byte[0] : body.getBytes();
    Reader reader = new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
    try {
      return ImportFile.read(reader);
    } catch (CharacterCodingException e) {
      throw new ServiceException.InvalidInput("body", "is not valid UTF-8 text");
    }
  }
}
