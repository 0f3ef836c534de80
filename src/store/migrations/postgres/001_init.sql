-- 001: every shared store of the assistant (see src/store/postgres/*). Times are epoch milliseconds.
CREATE TABLE sessions (
  conversation_id text PRIMARY KEY,
  data text NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX sessions_updated ON sessions (updated_at);

CREATE TABLE feedback (
  id bigserial PRIMARY KEY,
  answer_id text NOT NULL,
  procedure_id text NOT NULL,
  question text NOT NULL,
  helpful boolean NOT NULL,
  channel text NOT NULL,
  at bigint NOT NULL
);
CREATE INDEX feedback_at ON feedback (at);

CREATE TABLE unanswered (
  id bigserial PRIMARY KEY,
  question text NOT NULL,
  reason text NOT NULL,
  channel text NOT NULL,
  at bigint NOT NULL
);
CREATE INDEX unanswered_at ON unanswered (at);

CREATE TABLE seen_messages (
  key text PRIMARY KEY,
  expires_at bigint NOT NULL
);
CREATE INDEX seen_messages_expires ON seen_messages (expires_at);

-- Token buckets in the GCRA form (the moment the bucket is full again). Losing them in a crash only resets limits.
CREATE UNLOGGED TABLE rate_buckets (
  key text PRIMARY KEY,
  full_at double precision NOT NULL
);
CREATE INDEX rate_buckets_full ON rate_buckets (full_at);

CREATE TABLE state (
  name text PRIMARY KEY,
  value text NOT NULL,
  updated_at bigint NOT NULL
);

CREATE TABLE dossiers (
  code text PRIMARY KEY,
  state text NOT NULL,
  procedure_name text,
  procedure_id text,
  procedure_code text,
  received_on text,
  due_on text,
  returned_on text,
  agency text,
  note text,
  imported_at text NOT NULL
);
