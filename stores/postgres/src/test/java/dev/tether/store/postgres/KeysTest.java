package dev.tether.store.postgres;

import static dev.tether.store.postgres.StoreValues.T0;
import static dev.tether.store.postgres.StoreValues.active;
import static dev.tether.store.postgres.StoreValues.fingerprint;
import static dev.tether.store.postgres.StoreValues.oauth;
import static dev.tether.store.postgres.StoreValues.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.SessionOptions;
import dev.tether.core.store.SlotCommit;
import dev.tether.core.store.StoredAccount;
import dev.tether.core.store.StoredSession;
import dev.tether.spi.Secret;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Encryption at rest: key ids, rotation, and rows that are refused rather than misread (BEHAVIOUR.md §10). */
class KeysTest {
  private static final byte[] NEW_KEY = PostgresFixture.key(2);
  private final PostgresFixture db = new PostgresFixture();

  @AfterEach
  void stop() throws Exception {
    db.close();
  }

  private final StoredAccount alice = active("ca_alice", "alice", "gmail", T0, oauth("at-a", "rt-a", T0.plusSeconds(60)));
  private final StoredAccount bob = active("ca_bob", "bob", "gmail", T0, oauth("at-b", "rt-b", T0.plusSeconds(60)));

  private PostgresConnectionStore withOldKey() {
    PostgresConnectionStore store = db.store();
    store.commit(put(store.slot("alice", "gmail"), alice));
    store.commit(put(store.slot("bob", "gmail"), bob));
    StoredAccount pending = StoreValues.pending("ca_p", "carol", "gmail", T0, T0.plusSeconds(600));
    store.commit(new SlotCommit(store.slot("carol", "gmail"), List.of(pending), List.of(),
        List.of(StoreValues.flow("flowkey", pending, true)), List.of()));
    store.putSession(new StoredSession("trs_1", "alice", SessionOptions.defaults(), T0, T0, Secret.of("bearer-1")));
    return store;
  }

  private String sql(String query) {
    return db.queryString(query.replace("$S", "\"" + db.schema + "\""));
  }

  @Test
  void aRowUnderAKeyTheStoreWasNotGiven_isRefusedNamingTheKeyId() {
    withOldKey();
    PostgresConnectionStore newKeyOnly = db.track(PostgresConnectionStore.builder(db.pool(4)).schema(db.schema)
        .encryptionKey("next-2027", NEW_KEY).build());
    assertThatThrownBy(() -> newKeyOnly.account("ca_alice")).isInstanceOfSatisfying(StoreKeyException.class, e -> {
      assertThat(e.keyId()).isEqualTo(PostgresFixture.KEY_ID);
      assertThat(e.getMessage()).contains("'" + PostgresFixture.KEY_ID + "'").contains("ca_alice")
          .doesNotContain("at-a");
    });
    assertThatThrownBy(() -> newKeyOnly.session("trs_1")).isInstanceOf(StoreKeyException.class);
    assertThatThrownBy(() -> newKeyOnly.flow("flowkey")).isInstanceOf(StoreKeyException.class);
  }

  @Test
  void aKeyWithTheRightIdButTheWrongBytes_isRefused() {
    withOldKey();
    PostgresConnectionStore wrong = db.track(PostgresConnectionStore.builder(db.pool(4)).schema(db.schema)
        .encryptionKey(PostgresFixture.KEY_ID, NEW_KEY).build());
    assertThatThrownBy(() -> wrong.account("ca_alice")).isInstanceOfSatisfying(StoreKeyException.class,
        e -> assertThat(e.getMessage()).contains("do not authenticate with key '" + PostgresFixture.KEY_ID + "'"));
  }

  @Test
  void rotation_readsOldRows_andReencryptMovesEveryRowToTheNewKey() {
    withOldKey();
    PostgresConnectionStore rotated = db.track(PostgresConnectionStore.builder(db.pool(4)).schema(db.schema)
        .encryptionKey("next-2027", NEW_KEY).decryptionKey(PostgresFixture.KEY_ID, PostgresFixture.KEY).build());
    assertThat(fingerprint(rotated.account("ca_alice").orElseThrow())).isEqualTo(fingerprint(alice));

    assertThat(rotated.reencrypt(2)).isEqualTo(2);
    assertThat(rotated.reencrypt(100)).isEqualTo(3);
    assertThat(rotated.reencrypt(100)).isZero();
    assertThat(sql("SELECT count(*) FROM (SELECT key_id FROM $S.tether_account UNION ALL SELECT key_id FROM "
        + "$S.tether_session UNION ALL SELECT key_id FROM $S.tether_flow) k WHERE key_id <> 'next-2027'"))
        .isEqualTo("0");

    PostgresConnectionStore newKeyOnly = db.track(PostgresConnectionStore.builder(db.pool(4)).schema(db.schema)
        .encryptionKey("next-2027", NEW_KEY).build());
    assertThat(fingerprint(newKeyOnly.account("ca_bob").orElseThrow())).isEqualTo(fingerprint(bob));
    assertThat(newKeyOnly.session("trs_1").orElseThrow().bearer().reveal()).isEqualTo("bearer-1");
    assertThat(newKeyOnly.flow("flowkey").orElseThrow().state().reveal()).isEqualTo("state-flowkey-secret");
  }

  @Test
  void aTamperedCiphertext_isRefused() {
    PostgresConnectionStore store = withOldKey();
    db.sql("UPDATE \"" + db.schema + "\".tether_account SET secrets = overlay(secrets placing '\\xff'::bytea from 30 "
        + "for 1) WHERE id = 'ca_alice'");
    assertThatThrownBy(() -> store.account("ca_alice")).isInstanceOfSatisfying(StoreKeyException.class,
        e -> assertThat(e.keyId()).isEqualTo(PostgresFixture.KEY_ID));
  }

  @Test
  void aCiphertextCopiedToAnotherRow_doesNotDecrypt() {
    PostgresConnectionStore store = withOldKey();
    db.sql("UPDATE \"" + db.schema + "\".tether_account SET secrets = (SELECT secrets FROM \"" + db.schema
        + "\".tether_account WHERE id = 'ca_alice') WHERE id = 'ca_bob'");
    assertThatThrownBy(() -> store.account("ca_bob")).isInstanceOf(StoreKeyException.class)
        .hasMessageContaining("copied from another row");
    assertThat(store.account("ca_alice")).isPresent();
  }
}
