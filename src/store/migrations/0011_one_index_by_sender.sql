-- Migration 11: one index of messages by sender, not two. Migration 9's
-- `messages_line_sender_ts (line_id, sender_id, ts_ms)` serves every query
-- that `messages_sender_ts (sender_id, ts_ms)` served once the query names
-- the line, or every line (`line_id IN (SELECT id FROM lines)`, which the
-- queries by sender now add: `store::messages::on_line`). Keeping both
-- cost every import a fourth B-tree to write: importing 1,000,000
-- generated messages took 24.5-26.2 s with it and 19.7-20.1 s without
-- (30.4-34.3 s of CPU against 25.5-26.1 s), at the same memory.
DROP INDEX IF EXISTS messages_sender_ts;
