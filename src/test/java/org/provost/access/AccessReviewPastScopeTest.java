package org.provost.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.provost.testing.AccessFixture;
import org.provost.testing.Http;
import org.provost.testing.ProvostServer;

/**
 * A reviewer's authority is today's, over today's tree; an answer about the past shows grants on the scopes
 * that covered the resource then. Where those differ (a department moved, a code reused for a new
 * department), only a global reviewer may ask: a department's reviewer must not read, through the past, the
 * grants (and their reasons) of a department they never had authority over.
 */
class AccessReviewPastScopeTest {
  @RegisterExtension
  static final ProvostServer server = ProvostServer.builder().directory().build();
  static final AccessFixture fx = server.fixture();
  static final Http http = server.http;
  static String reviewer;

  @BeforeAll
  static void seed() {
    assertThat(http.post("/v1/roles", server.admin(), new JsonObject().put("name", "reviewer")
        .put("permissions", new JsonArray().add("access.review"))).status()).isEqualTo(201);
    long cory = fx.user("cory", "CS");
    fx.grant(server.admin(), cory, "reviewer", "department:CS");
    reviewer = fx.login("cory");
  }

  static Http.Response review(String token, String resource, Instant at) {
    return http.get("/v1/access-review?permission=grades.write&resource=" + AccessReviewApiTest.enc(resource)
        + (at == null ? "" : "&at=" + AccessReviewApiTest.enc(at.toString())), token);
  }

  @Test
  void aDepartmentMovedIntoTheReviewersTree_isReviewableNow_butItsPastUnderAnotherParentIsNot() {
    assertThat(http.post("/v1/departments", server.admin(), new JsonObject().put("code", "BIO").put("name", "Biology")
        .put("parent", "MATH")).status()).isEqualTo(201);
    long mara = fx.user("mara", "MATH");
    fx.grant(server.admin(), mara, "teaching_assistant", "department:MATH");
    Instant before = AccessReviewApiTest.pause();
    assertThat(http.patch("/v1/departments/BIO", server.admin(), new JsonObject().put("parent", "CS")).status()).isEqualTo(200);
    AccessReviewApiTest.pause();

    assertThat(AccessReviewApiTest.holders(review(reviewer, "department:BIO", null))).doesNotContainKey("mara");
    Http.Response past = review(reviewer, "department:BIO", before);
    assertThat(past.status()).as(past.toString()).isEqualTo(403);
    assertThat(past.body()).doesNotContain("mara");
    assertThat(AccessReviewApiTest.holders(review(server.admin(), "department:BIO", before))).containsKey("mara");
  }

  @Test
  void aCodeReusedForANewDepartment_doesNotOpenTheOldOnesPast() {
    assertThat(http.post("/v1/departments", server.admin(), new JsonObject().put("code", "CHEM").put("name", "Chemistry"))
        .status()).isEqualTo(201);
    long nico = fx.user("nico", null);
    JsonObject grant = fx.grant(server.admin(), nico, "teaching_assistant", "department:CHEM");
    Instant then = AccessReviewApiTest.pause();
    assertThat(http.delete("/v1/grants/" + grant.getLong("id"), server.admin()).status()).isEqualTo(200);
    Http.Response gone = http.delete("/v1/departments/CHEM", server.admin());
    assertThat(gone.status()).as(gone.toString()).isIn(200, 204);
    assertThat(http.post("/v1/departments", server.admin(), new JsonObject().put("code", "CHEM").put("name", "Chem lab")
        .put("parent", "CS")).status()).isEqualTo(201);
    AccessReviewApiTest.pause();

    assertThat(review(reviewer, "department:CHEM", null).status()).isEqualTo(200);
    Http.Response past = review(reviewer, "department:CHEM", then);
    assertThat(past.status()).as(past.toString()).isEqualTo(403);
    assertThat(past.body()).doesNotContain("nico");
    assertThat(AccessReviewApiTest.holders(review(server.admin(), "department:CHEM", then))).containsKey("nico");
  }
}
