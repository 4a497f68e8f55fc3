/**
 * A durable {@link dev.tether.core.store.ConnectionStore} on PostgreSQL.
 *
 * <ul>
 *   <li>{@link dev.tether.store.postgres.PostgresConnectionStore} — the store and its builder: give
 *       it the host's {@link javax.sql.DataSource} and an AES-256 key, hand it to {@code
 *       Tether.builder().store(...)};
 *   <li>{@link dev.tether.store.postgres.PostgresStoreException} — the database failed (its {@code
 *       isRetryable()} says whether to retry);
 *   <li>{@link dev.tether.store.postgres.StoreKeyException} — a row cannot be decrypted (a missing
 *       key or a tampered row), naming the key id.
 * </ul>
 *
 * <p>The schema ships as plain SQL migrations under {@code dev/tether/store/postgres/migration/}
 * ({@code V1__tether_initial.sql}, …), which the store applies itself or a host's Flyway or
 * Liquibase can run.
 */
package dev.tether.store.postgres;
