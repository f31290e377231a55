-- Migration 3: the dedupe index leads with the message time. Exports are
-- written in time order, so new keys land at the end of the index instead of
-- on a random page: imports stay fast however large the database grows. The
-- key still holds the full 64-bit hash; (ts_ms, dedupe) is unique exactly
-- when dedupe is, since the hash already covers the time.
DROP INDEX messages_dedupe;
CREATE UNIQUE INDEX messages_ts_dedupe ON messages(ts_ms, dedupe);


-- Every index costs every insert; these two served only rare queries that a
-- scan answers in a fraction of a second even on a million messages.
DROP INDEX messages_kind_ts;
DROP INDEX messages_brand;
