package dev.tether.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ConnectionRequest;
import dev.tether.core.Tether;
import dev.tether.core.store.ConnectionStore;
import dev.tether.core.store.ConnectionStores;
import dev.tether.store.postgres.EmbeddedPostgresServer;
import dev.tether.store.postgres.PostgresConnectionStore;
import dev.tether.testkit.FakeToolkitProvider;
import java.util.Base64;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class PostgresStoreAutoConfigurationTest {
  private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
  private static final String OLD_KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(TetherAutoConfiguration.class, TetherHealthAutoConfiguration.class))
      .withBean(FakeToolkitProvider.class, () -> FakeToolkitProvider.builder().oauth2("gmail", "Gmail").build())
      .withPropertyValues("tether.discover-providers=false", "tether.redirect-uri=https://app.test/oauth/callback");

  /** A data source nobody listens on: a test that reaches it has gone wrong. */
  private static DataSource nowhere() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"127.0.0.1"});
    ds.setPortNumbers(new int[] {1});
    return ds;
  }

  @Test
  void store_dataSourceAndKey_isPostgresAndTheEngineUsesIt() {
    runner.withBean(DataSource.class, () -> EmbeddedPostgresServer.get().dataSource())
        .withPropertyValues("tether.store.postgres.schema=tether_boot", "tether.store.postgres.encryption-key-id=k2",
            "tether.store.postgres.encryption-key=" + KEY, "tether.store.postgres.decryption-keys.k1=" + OLD_KEY)
        .run(context -> {
          PostgresConnectionStore store = context.getBean(PostgresConnectionStore.class);
          assertThat(store.schema()).isEqualTo("tether_boot");
          ConnectionRequest request = context.getBean(Tether.class).createSession("u1").authorize("gmail");
          assertThat(store.account(request.id())).isPresent();
          assertThat(context.getBean(TetherHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
          assertThat(context.getBean(TetherProperties.class).toString()).contains("k1", "k2").doesNotContain(KEY, OLD_KEY);
        });
  }

  @Test
  void store_noDataSource_staysInMemory() {
    runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ConnectionStore.class));
  }

  @Test
  void store_withoutThePostgresModule_staysInMemory() {
    runner.withClassLoader(new FilteredClassLoader(PostgresConnectionStore.class))
        .withBean(DataSource.class, PostgresStoreAutoConfigurationTest::nowhere)
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ConnectionStore.class));
  }

  @Test
  void store_disabled_staysInMemory() {
    runner.withBean(DataSource.class, PostgresStoreAutoConfigurationTest::nowhere)
        .withPropertyValues("tether.store.postgres.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ConnectionStore.class));
  }

  @Test
  void store_applicationDefinesOne_backsOff() {
    ConnectionStore own = ConnectionStores.inMemory();
    runner.withBean(DataSource.class, PostgresStoreAutoConfigurationTest::nowhere)
        .withBean(ConnectionStore.class, () -> own)
        .run(context -> {
          assertThat(context).getBean(ConnectionStore.class).isSameAs(own);
          ConnectionRequest request = context.getBean(Tether.class).createSession("u1").authorize("gmail");
          assertThat(own.account(request.id())).isPresent();
        });
  }

  @Test
  void store_noKey_failsAtStartupNamingTheProperties() {
    runner.withBean(DataSource.class, PostgresStoreAutoConfigurationTest::nowhere)
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("tether.store.postgres.encryption-key-id")
            .hasMessageContaining("tether.store.postgres.enabled=false"));
  }

  @Test
  void store_keyNotBase64_failsWithoutShowingIt() {
    runner.withBean(DataSource.class, PostgresStoreAutoConfigurationTest::nowhere)
        .withPropertyValues("tether.store.postgres.encryption-key-id=k1",
            "tether.store.postgres.encryption-key=not*base64*s3cr3t")
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageContaining("tether.store.postgres.encryption-key is not base64")
            .hasMessageNotContaining("s3cr3t"));
  }

  @Test
  void store_keyOfTheWrongLength_failsWithoutShowingIt() {
    String shortKey = Base64.getEncoder().encodeToString("s3cr3t-but-short".getBytes());
    runner.withBean(DataSource.class, PostgresStoreAutoConfigurationTest::nowhere)
        .withPropertyValues("tether.store.postgres.encryption-key-id=k1", "tether.store.postgres.encryption-key=" + shortKey)
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageStartingWith("Invalid tether.store.postgres.encryption-key-id or encryption-key: ")
            .hasMessageContaining("32 bytes").hasMessageNotContaining(shortKey).hasMessageNotContaining("s3cr3t"));
  }

  @Test
  void store_badSchemaOrOldKey_failsNamingTheProperty() {
    runner.withBean(DataSource.class, PostgresStoreAutoConfigurationTest::nowhere)
        .withPropertyValues("tether.store.postgres.encryption-key-id=k1", "tether.store.postgres.encryption-key=" + KEY,
            "tether.store.postgres.schema=Not-A-Schema")
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageStartingWith("Invalid tether.store.postgres.schema: "));
    runner.withBean(DataSource.class, PostgresStoreAutoConfigurationTest::nowhere)
        .withPropertyValues("tether.store.postgres.encryption-key-id=k1", "tether.store.postgres.encryption-key=" + KEY,
            "tether.store.postgres.decryption-keys.k0=" + Base64.getEncoder().encodeToString(new byte[16]))
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageStartingWith("Invalid tether.store.postgres.decryption-keys.k0: ").hasMessageContaining("32 bytes"));
  }
}
