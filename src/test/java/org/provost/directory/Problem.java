package org.provost.directory;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.provost.testing.Http.Response;

/** Assertions on RFC 9457 problem answers. */
final class Problem {
  private Problem() {}

  /** Asserts a problem answer with {@code status} and {@code code} whose errors name {@code field}. */
  static void assertProblem(Response r, int status, String code, String field) {
    assertThat(r.status()).as("%s", r).isEqualTo(status);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.json().getString("code")).as("%s", r).isEqualTo(code);
    if (field != null) assertThat(fields(r)).as("%s", r).contains(field);
  }

  static void assertInvalid(Response r, String field) {
    assertProblem(r, 400, "invalid_input", field);
  }

  static List<String> fields(Response r) {
    JsonArray errors = r.json().getJsonArray("errors", new JsonArray());
    List<String> out = new ArrayList<>();
    for (int i = 0; i < errors.size(); i++) out.add(errors.getJsonObject(i).getString("field"));
    return out;
  }

  static JsonObject body(Object... pairs) {
    JsonObject o = new JsonObject();
    for (int i = 0; i < pairs.length; i += 2) o.put((String) pairs[i], pairs[i + 1]);
    return o;
  }
}
