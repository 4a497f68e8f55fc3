/** Test tools for Tether users: arbitraries, a reference model, a fake provider, a movable clock. */
module dev.tether.testkit {
  requires transitive dev.tether.core;
  requires transitive net.jqwik.api;

  exports dev.tether.testkit;
}
