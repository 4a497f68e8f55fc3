package dev.tether.store.postgres;

/**
 * Where one store's rows live and how their secrets are sealed: the connection source, the cipher,
 * the change feed's channel and the schema-qualified table names. Immutable.
 */
record Tables(Jdbc db, RowCipher cipher, String channel, String sessions, String slots, String accounts,
    String flows, String leases) {
  static Tables of(Jdbc db, RowCipher cipher, String schema) {
    String q = Migrations.quote(schema) + ".";
    return new Tables(db, cipher, "tether_feed_" + schema, q + "tether_session", q + "tether_slot",
        q + "tether_account", q + "tether_flow", q + "tether_refresh_lease");
  }
}
