-- Migration 10, what an import writes. First, the import's writer marks
-- the findings it makes stale, not a trigger. An `AFTER INSERT` trigger on `messages` made every
-- message's `INSERT` a statement that writes more than one table, and
-- SQLite keeps a statement journal (a copy of every page the statement
-- touches, so that it alone can be undone) for each such statement: about
-- 7 page writes into a temporary file per message imported, 1.5 million
-- `pwrite` calls for 200,000 messages. `MessageWriter` (store/writer.rs),
-- the one place messages are inserted, now adds the (line, sender) pair of
-- each message it stores to `findings_dirty` itself, once per pair and
-- import. Deleting or changing a message still marks it by trigger.
DROP TRIGGER IF EXISTS findings_messages_insert;

-- The search index merges its segments 8 at a time instead of 4
-- (FTS5's `automerge`): an import adds each batch of its messages to the
-- index as a new segment, and with 4 FTS5 merged them again and again
-- while the import held the write lock. Measured on 1,000,000 generated
-- messages (a Python `sqlite3` harness building the index alone): 4.2–4.5 s
-- of CPU with 4, 3.5–3.8 s with 8; a search reads a few more segments.
INSERT INTO messages_fts(messages_fts, rank) VALUES ('automerge', 8);
