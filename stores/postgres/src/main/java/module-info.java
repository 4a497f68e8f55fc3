/** A PostgreSQL {@code ConnectionStore} for Tether: several engines share one database. */
module dev.tether.store.postgres {
  requires transitive dev.tether.core;
  requires transitive java.sql;
  requires java.naming;
  requires org.postgresql.jdbc;
  requires com.fasterxml.jackson.databind;
  requires com.github.benmanes.caffeine;

  exports dev.tether.store.postgres;
}
