/**
 * Test tools for Tether users: arbitraries, a reference model, a fake provider, a movable clock, and
 * the store SPI's contract tests.
 */
module dev.tether.testkit {
  requires transitive dev.tether.core;
  requires transitive net.jqwik.api;
  requires transitive org.junit.jupiter.api;

  exports dev.tether.testkit;
  // JUnit and jqwik call the contract's package-private test methods reflectively, also on the module path.
  opens dev.tether.testkit;
}
