-- Tether's PostgreSQL store, schema version 1.
--
-- Plain SQL with unqualified names: the store runs it with search_path set to its schema, and a
-- host's Flyway or Liquibase can run it the same way. Times are epoch nanoseconds (bigint), as
-- exact as the engine's Instants. Secrets never sit in a column of their own: each row keeps them
-- in one AES-256-GCM ciphertext (`secrets`, with `key_id` beside it and the row's id as associated
-- data).

CREATE TABLE tether_schema_version (
  version     integer PRIMARY KEY,
  description text NOT NULL,
  applied_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tether_session (
  id              text PRIMARY KEY,
  user_id         text NOT NULL,
  options         jsonb NOT NULL,
  created_at_ns   bigint NOT NULL,
  last_used_at_ns bigint NOT NULL,
  key_id          text NOT NULL,
  secrets         bytea NOT NULL           -- the MCP bearer
);
CREATE INDEX tether_session_idle ON tether_session (last_used_at_ns);

-- One row per (user, toolkit) pair ever written: the version every slot commit is checked against.
CREATE TABLE tether_slot (
  user_id text NOT NULL,
  toolkit text NOT NULL,
  version bigint NOT NULL,
  PRIMARY KEY (user_id, toolkit)
);

CREATE TABLE tether_account (
  id                       text PRIMARY KEY,
  seq                      bigint GENERATED ALWAYS AS IDENTITY,  -- creation order among equal times
  user_id                  text NOT NULL,
  toolkit                  text NOT NULL,
  status                   text NOT NULL,
  exclusive                boolean NOT NULL,
  created_at_ns            bigint NOT NULL,
  updated_at_ns            bigint NOT NULL,
  connected_at_ns          bigint,
  status_reason            text,
  link_id                  text,
  link_expires_at_ns       bigint,
  has_credentials          boolean NOT NULL,
  credentials_expire_at_ns bigint,                                -- for the refresh sweep; null: never
  key_id                   text,
  secrets                  bytea                                  -- credentials and the link's URL
);
CREATE INDEX tether_account_slot ON tether_account (user_id, toolkit);
CREATE INDEX tether_account_link_expiry ON tether_account (link_expires_at_ns) WHERE status = 'INITIATED';
CREATE INDEX tether_account_refresh_due ON tether_account (credentials_expire_at_ns) WHERE status = 'ACTIVE';

-- A pending flow, stored under the state's public selector; the state itself is in `secrets`.
CREATE TABLE tether_flow (
  key              text PRIMARY KEY,
  account_id       text NOT NULL,
  user_id          text NOT NULL,
  toolkit          text NOT NULL,
  redirect_uri     text NOT NULL,
  callback_url     text,
  form             jsonb NOT NULL,
  expires_at_ns    bigint NOT NULL,
  exclusive        boolean NOT NULL,
  has_link         boolean NOT NULL,
  key_id           text NOT NULL,
  secrets          bytea NOT NULL,          -- state, PKCE verifier, the provider link and its flow state
  claimant         text,
  claimed_until_ns bigint,
  outcome          jsonb
);
CREATE INDEX tether_flow_expiry ON tether_flow (expires_at_ns);

-- Who refreshes an account's token, until when.
CREATE TABLE tether_refresh_lease (
  account_id     text PRIMARY KEY,
  holder         text NOT NULL,
  lease_until_ns bigint NOT NULL
);

INSERT INTO tether_schema_version (version, description) VALUES (1, 'initial');
