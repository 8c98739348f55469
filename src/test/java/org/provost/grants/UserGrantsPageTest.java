package org.provost.grants;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http.Response;
import org.provost.testing.ProvostServer;

/**
 * {@code GET /v1/users/{id}/grants}, written byte by byte from the result set, is the JSON of the grants as
 * creating them answered (Grant.toJson), byte for byte: every kind of value, null and not.
 */
class UserGrantsPageTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().directory().build();
  static final AccessFixture fx = server.fixture();

  @Test
  void page_isTheGrantsAsCreated_byteForByte() {
    long user = fx.user("paged", "CS");
    assertThat(server.http.get("/v1/users/" + user + "/grants", server.admin()).body()).isEqualTo("{\"items\":[]}");
    JsonObject windowed = created(user, new JsonObject().put("role", "instructor").put("scope", "offering:CS101/2026-fall")
        .put("valid_from", "2026-09-01T00:00:00Z").put("valid_until", "2026-12-20T23:59:59.5Z")
        .put("reason", "teaches \"CS101\" \\ Zo\u00eb\t\u001f \u65e5\u672c"));
    JsonObject plain = created(user, new JsonObject().put("role", "teaching_assistant").put("scope", "department:CS"));
    Response page = server.http.get("/v1/users/" + user + "/grants", server.admin());
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).isEqualTo(new JsonObject().put("items", new JsonArray(List.of(windowed, plain))).encode());
  }

  private static JsonObject created(long user, JsonObject grant) {
    Response r = server.http.post("/v1/users/" + user + "/grants", server.admin(), grant);
    assertThat(r.status()).as("%s", r).isEqualTo(201);
    return r.json();
  }
}
