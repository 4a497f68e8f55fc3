package dev.tether.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.ConnectionStatus;
import dev.tether.core.Tether;
import dev.tether.testkit.FakeToolkitProvider;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The usual production split: a privileged user migrates, the application's user may only read and
 * write rows. With the schema current, such a user builds the store with the default {@code
 * migrate(true)}; with a migration due, it is told what to do.
 */
class PostgresRowRightsTest {
  private final PostgresFixture db = new PostgresFixture();
  private final List<String> roles = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    try {
      db.close();
    } finally {
      for (String role : roles) { // cluster-wide: each dropped whatever happened to the others
        try {
          db.sql("DROP OWNED BY " + role);
          db.sql("DROP ROLE " + role);
        } catch (RuntimeException e) {
          System.err.println("Could not drop test role " + role + ": " + e);
        }
      }
    }
  }

  /** A login role with row rights on the fixture's schema (once it exists) and nothing else. */
  private PGSimpleDataSource rowsOnly() {
    String role = db.schema + "_rows";
    db.sql("CREATE ROLE " + role + " LOGIN");
    roles.add(role);
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"127.0.0.1"});
    ds.setPortNumbers(new int[] {db.server.port()});
    ds.setDatabaseName("postgres");
    ds.setUser(role);
    return ds;
  }

  @Test
  void aUserWithRowRightsOnly_buildsTheStoreOnACurrentSchema() {
    db.store().close(); // migrated by the owner
    PGSimpleDataSource app = rowsOnly();
    db.sql("GRANT USAGE ON SCHEMA \"" + db.schema + "\" TO " + app.getUser());
    db.sql("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \"" + db.schema + "\" TO " + app.getUser());

    PostgresConnectionStore store = db.track(PostgresConnectionStore.builder(app).schema(db.schema)
        .encryptionKey(PostgresFixture.KEY_ID, PostgresFixture.KEY).build());

    Tether tether = Tether.builder().redirectUri(URI.create("https://app.example.com/cb")).discoverProviders(false)
        .provider(FakeToolkitProvider.builder().oauth2("gmail", "Gmail").build()).store(store).build();
    assertThat(tether.createSession("alice").authorize("gmail").status()).isEqualTo(ConnectionStatus.INITIATED);
  }

  @Test
  void aUserWithRowRightsOnly_isToldHowToMigrate_whenAMigrationIsDue() {
    PGSimpleDataSource app = rowsOnly();
    String fresh = db.schema + "_new";

    assertThatThrownBy(() -> PostgresConnectionStore.builder(app).schema(fresh)
        .encryptionKey(PostgresFixture.KEY_ID, PostgresFixture.KEY).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'" + fresh + "' is at version 0 and needs version " + Migrations.LATEST)
        .hasMessageContaining("may not create or change it")
        .hasMessageContaining("dev/tether/store/postgres/migration/");
    assertThat(db.queryString("SELECT count(*) FROM pg_namespace WHERE nspname = '" + fresh + "'")).isEqualTo("0");
  }
}
