-- schema-kit:up
-- Conversations for LLM applications, expand step 4 of 8 (messages only), once the seq index is
-- built (0005), so numbering a new message is one index probe: new messages get the next seq
-- (0, the default, or null: the next one), and the conversation's old messages are numbered first.
-- Brief: functions, a default and triggers. No row is read or written.

ALTER TABLE :SCHEMA_KIT_SCHEMA.messages
  ALTER COLUMN seq SET DEFAULT 0,
  -- every new row has one from now on: validated after the backfill (0008), then proves SET NOT NULL
  -- without a scan (0009)
  ADD CONSTRAINT messages_seq_not_null CHECK (seq IS NOT NULL) NOT VALID;

-- Locks the conversation's row and, when its messages are not numbered yet (written before seq
-- existed), numbers them 1, 2, 3, ... in the order they were read, (created_at, id), and sets
-- last_message_seq. Returns last_message_seq (null: no such conversation). Once numbered, a lookup.
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.learning_number_messages(conversation uuid) RETURNS integer
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
DECLARE
  last integer;
BEGIN
  SELECT c.last_message_seq INTO last FROM :SCHEMA_KIT_SCHEMA.conversations AS c
    WHERE c.id = conversation FOR NO KEY UPDATE;
  IF last IS NOT NULL OR NOT FOUND THEN
    RETURN last;
  END IF;
  UPDATE :SCHEMA_KIT_SCHEMA.messages AS m SET seq = o.seq
  FROM (
    SELECT old.id, row_number() OVER (ORDER BY old.created_at, old.id)::integer AS seq
    FROM :SCHEMA_KIT_SCHEMA.messages AS old
    WHERE old.conversation_id = conversation AND old.seq IS NULL
  ) AS o
  WHERE m.id = o.id;
  GET DIAGNOSTICS last = ROW_COUNT;
  -- only the counter moves: the conversation's updated_at stays (conversations_set_updated_at)
  UPDATE :SCHEMA_KIT_SCHEMA.conversations SET last_message_seq = last WHERE id = conversation;
  RETURN last;
END
$$;

-- A writer that inserts without a seq (raw SQL, a 0.1.0 host: the default 0 means "the next one")
-- gets the next one under the conversation's row lock, which serialises the writers of one
-- conversation: the newest seq stored after last_message_seq (rows of this statement so far, one
-- probe of the seq index), else last_message_seq, plus one. The conversation's row is not updated
-- per row (a chain of row versions every later update walks: quadratic); messages_advance_last_seq
-- moves the counter once per statement. ConversationRepo assigns a whole batch itself.
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.learning_assign_message_seq() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
DECLARE
  last integer := :SCHEMA_KIT_SCHEMA.learning_number_messages(NEW.conversation_id);
BEGIN
  NEW.seq := coalesce((
    SELECT max(m.seq) FROM :SCHEMA_KIT_SCHEMA.messages AS m WHERE m.conversation_id = NEW.conversation_id AND m.seq > last
  ), last, 0) + 1;
  -- no such conversation (last is null): seq 1, the foreign key refuses the row
  RETURN NEW;
END
$$;

CREATE TRIGGER messages_assign_seq BEFORE INSERT ON :SCHEMA_KIT_SCHEMA.messages
  FOR EACH ROW WHEN (coalesce(NEW.seq, 0) = 0) EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.learning_assign_message_seq();
-- also under session_replication_role = replica (bulk loads): a row without a seq is never valid
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages ENABLE ALWAYS TRIGGER messages_assign_seq;

-- Once per statement: last_message_seq becomes the newest seq the statement stored, in each
-- conversation it wrote to (a no-op for ConversationRepo, which moved it already).
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.learning_advance_last_message_seq() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
BEGIN
  UPDATE :SCHEMA_KIT_SCHEMA.conversations AS c SET last_message_seq = a.seq
  FROM (SELECT conversation_id, max(seq) AS seq FROM added GROUP BY conversation_id) AS a
  WHERE c.id = a.conversation_id AND c.last_message_seq < a.seq;
  RETURN NULL;
END
$$;

CREATE TRIGGER messages_advance_last_seq AFTER INSERT ON :SCHEMA_KIT_SCHEMA.messages
  REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION :SCHEMA_KIT_SCHEMA.learning_advance_last_message_seq();
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages ENABLE ALWAYS TRIGGER messages_advance_last_seq;

-- One batch of the backfill (0008): numbers the messages of up to batch_size conversations not
-- numbered yet, taking each conversation's row lock first and then its messages, the order the
-- insert trigger takes them. A conversation another transaction holds (its row or one of its
-- messages) is left to a later batch: the backfill never waits while holding a lock. Returns how many
-- conversations it numbered: 0 once none is left. When every one left is held, raises
-- lock_not_available: the runner retries with backoff, as it does for a DDL statement.
CREATE FUNCTION :SCHEMA_KIT_SCHEMA.learning_backfill_message_seq(batch_size integer) RETURNS integer
  LANGUAGE plpgsql
  SET search_path = ''
AS $$
DECLARE
  done integer := 0;
  conversation uuid;
BEGIN
  FOR conversation IN
    SELECT c.id FROM :SCHEMA_KIT_SCHEMA.conversations AS c WHERE c.last_message_seq IS NULL
    LIMIT batch_size FOR NO KEY UPDATE SKIP LOCKED
  LOOP
    BEGIN
      PERFORM FROM :SCHEMA_KIT_SCHEMA.messages AS m WHERE m.conversation_id = conversation AND m.seq IS NULL
        FOR NO KEY UPDATE NOWAIT;
      PERFORM :SCHEMA_KIT_SCHEMA.learning_number_messages(conversation);
      done := done + 1;
    EXCEPTION WHEN lock_not_available THEN
      NULL;
    END;
  END LOOP;
  IF done = 0 AND EXISTS (SELECT FROM :SCHEMA_KIT_SCHEMA.conversations AS c WHERE c.last_message_seq IS NULL) THEN
    RAISE EXCEPTION 'every conversation whose messages are still to number is locked by another transaction'
      USING ERRCODE = 'lock_not_available';
  END IF;
  RETURN done;
END
$$;

-- schema-kit:down
DROP FUNCTION :SCHEMA_KIT_SCHEMA.learning_backfill_message_seq(integer);
DROP TRIGGER messages_advance_last_seq ON :SCHEMA_KIT_SCHEMA.messages;
DROP FUNCTION :SCHEMA_KIT_SCHEMA.learning_advance_last_message_seq();
DROP TRIGGER messages_assign_seq ON :SCHEMA_KIT_SCHEMA.messages;
DROP FUNCTION :SCHEMA_KIT_SCHEMA.learning_assign_message_seq();
DROP FUNCTION :SCHEMA_KIT_SCHEMA.learning_number_messages(uuid);
ALTER TABLE :SCHEMA_KIT_SCHEMA.messages
  DROP CONSTRAINT messages_seq_not_null,
  ALTER COLUMN seq DROP DEFAULT;
