/**
 * Tools for property-testing connection rules, custom providers and stores, for use in test scope.
 *
 * <ul>
 *   <li>{@link dev.tether.testkit.TestClock} — a clock tests move instead of sleeping;
 *   <li>{@link dev.tether.testkit.FakeToolkitProvider} — an in-process provider with scripted
 *       outcomes, and helpers that play the user's browser;
 *   <li>{@link dev.tether.testkit.ConnectionArbitraries} — jqwik arbitraries for slugs, user ids,
 *       meta-tool inputs and callback URLs;
 *   <li>{@link dev.tether.testkit.ConnectionModel} — a small reference model of the connection
 *       rules (BEHAVIOUR.md §2) to compare an engine against, step by step;
 *   <li>{@link dev.tether.testkit.ConnectionStoreContract} — the store SPI's promises as tests: extend
 *       it with your {@code ConnectionStore} to prove it.
 * </ul>
 */
package dev.tether.testkit;
