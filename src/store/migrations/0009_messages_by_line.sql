-- Migration 9: an index of messages by line, then sender and time. The
-- findings cache is filled one line at a time (`findings/fill.rs`), so
-- each line's messages are read on their own: without this index every
-- line would scan the whole table (10,000 lines: 10,000 scans), and one
-- (line, sender) pair's messages were found through `messages_sender_ts`,
-- which reads that sender's messages on every line.
CREATE INDEX IF NOT EXISTS messages_line_sender_ts ON messages(line_id, sender_id, ts_ms);
