package org.provost.authz;

import java.lang.management.ManagementFactory;
import java.util.Map;
import org.provost.config.Config;
import org.provost.db.Database;

/**
 * Cold start and heap of the authorization index on an existing database: loads it three times and
 * reports load time and the heap it retains (used heap after full GCs, with and without the index).
 *
 * <p>Run: {@code bin/run-test-main org.provost.authz.IndexFootprint jdbc:postgresql://127.0.0.1/provost_1m?user=postgres}
 */
public final class IndexFootprint {
  private IndexFootprint() {}

  public static void main(String[] args) throws Exception {
    Config config = Config.from(Map.of("PROVOST_DB_POOL_MIN_IDLE", "1", "PROVOST_DB_POOL_MAX_SIZE", "2"));
    try (Database db = Database.connect(args[0], config)) {
      long baseline = usedAfterGc();
      AuthzIndex index = null;
      for (int run = 1; run <= 3; run++) {
        index = null;
        usedAfterGc();
        long t0 = System.nanoTime();
        index = AuthzIndex.load(db);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        long retained = usedAfterGc() - baseline;
        System.out.printf("run %d: loaded in %d ms, index retains %.1f MB (user slots %d, revision %d)%n", run,
            millis, retained / 1048576.0, index.userCapacity(), index.revision());
      }
      System.out.println("still reachable: " + (index.revision() >= 0));
    }
  }

  private static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return heap.getUsed();
  }
}
