package org.provost.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-thread nice value: lowered for the threads it makes, never for anyone else. */
class ThreadPriorityTest {
  @Test
  void niceOf_countsFieldsAfterTheCommandName_evenWhenItHoldsSpacesAndParentheses() {
    // man 5 proc: pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime
    // stime cutime cstime priority nice ...
    String stat = "4711 (vert.x (x) 1) S 1 4711 4711 0 -1 4194560 10 0 0 0 3 1 0 0 27 7 30 0 81";
    assertThat(ThreadPriority.niceOf(stat)).isEqualTo(7);
    assertThat(ThreadPriority.niceOf("1 (a) R 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 39 19 1 0 5")).isEqualTo(19);
    assertThatThrownBy(() -> ThreadPriority.niceOf("no command here")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ThreadPriority.niceOf("1 (a) R 0 1")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void loweredThreads_runBelowTheirCreator_whoKeepsItsOwnPriority() throws Exception {
    OptionalInt base = ThreadPriority.currentNice();
    assumeTrue(base.isPresent(), "this system has no /proc/thread-self: no per-thread nice value to read");
    assumeTrue(base.getAsInt() <= 12,
        "the test runs at nice " + base.getAsInt() + ": too low a priority to lower by 7");
    CompletableFuture<Integer> seen = new CompletableFuture<>();
    Thread t = ThreadPriority.lowered("priority-test-", 7).newThread(() ->
        seen.complete(ThreadPriority.currentNice().orElse(Integer.MIN_VALUE)));
    assertThat(t.getName()).isEqualTo("priority-test-0");
    assertThat(t.isDaemon()).isTrue();
    t.start();
    assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo(base.getAsInt() + 7);
    assertThat(ThreadPriority.currentNice()).hasValue(base.getAsInt());
  }

  @Test
  void zero_changesNothing_andTheNiceValueIsCappedAt19() throws Exception {
    OptionalInt base = ThreadPriority.currentNice();
    assumeTrue(base.isPresent(), "this system has no /proc/thread-self: no per-thread nice value to read");
    CompletableFuture<Integer> zero = new CompletableFuture<>();
    ThreadPriority.lowered("priority-zero-", 0).newThread(() ->
        zero.complete(ThreadPriority.currentNice().orElse(Integer.MIN_VALUE))).start();
    assertThat(zero.get(10, TimeUnit.SECONDS)).isEqualTo(base.getAsInt());
    CompletableFuture<Integer> twice = new CompletableFuture<>();
    ThreadPriority.lowered("priority-twice-", 19).newThread(() -> {
      boolean again = ThreadPriority.lowerCurrent(19); // already at 19: stays there
      twice.complete(again ? ThreadPriority.currentNice().orElse(Integer.MIN_VALUE) : Integer.MAX_VALUE);
    }).start();
    assertThat(twice.get(10, TimeUnit.SECONDS)).isEqualTo(19);
  }

  @Test
  void refuses_virtualThreads_andIncrementsOutside0to19() throws Exception {
    assertThatThrownBy(() -> ThreadPriority.lowered("x-", 20)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0..19");
    assertThatThrownBy(() -> ThreadPriority.lowerCurrent(-1)).isInstanceOf(IllegalArgumentException.class);
    CompletableFuture<Throwable> thrown = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        ThreadPriority.lowerCurrent(5);
        thrown.complete(null);
      } catch (Throwable e) {
        thrown.complete(e);
      }
    });
    assertThat(thrown.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("virtual thread");
  }

  @Test
  void aThreadCreatedByALoweredOne_inheritsItsPriority_andLoweringItAgainDoesNotStack() throws Exception {
    OptionalInt process = ThreadPriority.processNice();
    assumeTrue(process.isPresent(), "this system has no /proc/self/stat: no nice value to read");
    assumeTrue(process.getAsInt() <= 12, "the test runs at nice " + process.getAsInt() + ": too low to lower by 7");
    int lowered = process.getAsInt() + 7;
    CompletableFuture<int[]> seen = new CompletableFuture<>();
    ThreadPriority.lowered("priority-parent-", 7).newThread(() -> {
      // Linux: a new thread starts at its creator's nice value (why fill threads are created by event loops)
      int[] nices = new int[2];
      try {
        Thread plain = Thread.ofPlatform().start(() -> nices[0] = ThreadPriority.currentNice().orElse(-100));
        Thread again = ThreadPriority.lowered("priority-child-", 7).newThread(() ->
            nices[1] = ThreadPriority.currentNice().orElse(-100));
        again.start();
        plain.join();
        again.join();
        seen.complete(nices);
      } catch (InterruptedException e) {
        seen.completeExceptionally(e);
      }
    }).start();
    int[] nices = seen.get(10, TimeUnit.SECONDS);
    assertThat(nices[0]).as("a plain thread made by a lowered one").isEqualTo(lowered);
    assertThat(nices[1]).as("a lowered thread made by a lowered one: not 7 + 7").isEqualTo(lowered);
  }
}
