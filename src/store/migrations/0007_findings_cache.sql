-- Migration 7: the findings cache. Derived, never the truth: every row can be
-- computed again from the messages and the user's records, and a missing,
-- stale (other rules or policy) or damaged cache is rebuilt on first use.
--
-- One row per line and sender: what `senders --json` shows, the links the
-- incremental recompute follows (brand group, opt-out targets), and the
-- whole finding encoded by the findings layer.
CREATE TABLE findings_cache (
    line_id       INTEGER NOT NULL,
    sender_id     INTEGER NOT NULL,
    key           TEXT NOT NULL,
    -- The brand the sender's numbers are grouped by on the line (aliases
    -- applied), and the brand its messages name before aliases.
    group_brand   TEXT,
    raw_brand     TEXT,
    status        TEXT NOT NULL,
    received      INTEGER NOT NULL,
    marketing     INTEGER NOT NULL,
    after_optout  INTEGER NOT NULL,
    last_seen_ms  INTEGER,
    data          TEXT NOT NULL,
    PRIMARY KEY (line_id, sender_id)
) WITHOUT ROWID;

-- Every number a cached sender named as where to send its opt-out keyword.
CREATE TABLE findings_targets (
    line_id    INTEGER NOT NULL,
    sender_id  INTEGER NOT NULL,
    target     TEXT NOT NULL,
    PRIMARY KEY (line_id, sender_id, target)
) WITHOUT ROWID;

-- What the cache was computed under (rules version, policy); empty = no cache.
CREATE TABLE findings_state (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;

-- Work left for the next read, written by triggers in the same transaction
-- as the change, so every code path that writes these tables marks it.
CREATE TABLE findings_dirty (
    line_id    INTEGER NOT NULL,
    sender_id  INTEGER NOT NULL,
    PRIMARY KEY (line_id, sender_id)
) WITHOUT ROWID;

-- Work named by sender key or brand (manual records, ignores, brand
-- aliases, a sender's class). line_id 0 means every line.
CREATE TABLE findings_dirty_names (
    scope    TEXT NOT NULL CHECK (scope IN ('sender', 'brand')),
    line_id  INTEGER NOT NULL,
    name     TEXT NOT NULL,
    PRIMARY KEY (scope, line_id, name)
) WITHOUT ROWID;

-- The recompute reads a sender's messages through messages_sender_ts: no
-- new index on messages, which every imported message would pay for.

CREATE TRIGGER findings_messages_insert AFTER INSERT ON messages
BEGIN
    INSERT OR IGNORE INTO findings_dirty(line_id, sender_id) VALUES (NEW.line_id, NEW.sender_id);
END;

CREATE TRIGGER findings_messages_delete AFTER DELETE ON messages
BEGIN
    INSERT OR IGNORE INTO findings_dirty(line_id, sender_id) VALUES (OLD.line_id, OLD.sender_id);
END;

CREATE TRIGGER findings_messages_update AFTER UPDATE ON messages
WHEN OLD.kind IS NOT NEW.kind OR OLD.rule_id IS NOT NEW.rule_id OR OLD.reason IS NOT NEW.reason
  OR OLD.brand IS NOT NEW.brand OR OLD.brand_from_prefix IS NOT NEW.brand_from_prefix
  OR OLD.optout_keyword IS NOT NEW.optout_keyword OR OLD.optout_target IS NOT NEW.optout_target
  OR OLD.sender_id IS NOT NEW.sender_id OR OLD.line_id IS NOT NEW.line_id
  OR OLD.direction IS NOT NEW.direction OR OLD.ts_ms IS NOT NEW.ts_ms
  OR OLD.utc_offset_s IS NOT NEW.utc_offset_s OR OLD.body IS NOT NEW.body
  OR OLD.contact_name IS NOT NEW.contact_name
BEGIN
    INSERT OR IGNORE INTO findings_dirty(line_id, sender_id) VALUES (OLD.line_id, OLD.sender_id);
    INSERT OR IGNORE INTO findings_dirty(line_id, sender_id) VALUES (NEW.line_id, NEW.sender_id);
END;

CREATE TRIGGER findings_senders_update AFTER UPDATE ON senders
WHEN OLD.class IS NOT NEW.class OR OLD.key IS NOT NEW.key
BEGIN
    INSERT OR IGNORE INTO findings_dirty_names(scope, line_id, name) VALUES ('sender', 0, OLD.key);
    INSERT OR IGNORE INTO findings_dirty_names(scope, line_id, name) VALUES ('sender', 0, NEW.key);
END;

CREATE TRIGGER findings_manual_insert AFTER INSERT ON manual_optouts
BEGIN
    INSERT OR IGNORE INTO findings_dirty_names(scope, line_id, name) VALUES (NEW.scope, NEW.line_id, NEW.name);
END;

CREATE TRIGGER findings_manual_delete AFTER DELETE ON manual_optouts
BEGIN
    INSERT OR IGNORE INTO findings_dirty_names(scope, line_id, name) VALUES (OLD.scope, OLD.line_id, OLD.name);
END;

CREATE TRIGGER findings_manual_update AFTER UPDATE ON manual_optouts
BEGIN
    INSERT OR IGNORE INTO findings_dirty_names(scope, line_id, name) VALUES (OLD.scope, OLD.line_id, OLD.name);
    INSERT OR IGNORE INTO findings_dirty_names(scope, line_id, name) VALUES (NEW.scope, NEW.line_id, NEW.name);
END;

CREATE TRIGGER findings_ignored_insert AFTER INSERT ON ignored
BEGIN
    INSERT OR IGNORE INTO findings_dirty_names(scope, line_id, name) VALUES (NEW.scope, 0, NEW.name);
END;

CREATE TRIGGER findings_ignored_delete AFTER DELETE ON ignored
BEGIN
    INSERT OR IGNORE INTO findings_dirty_names(scope, line_id, name) VALUES (OLD.scope, 0, OLD.name);
END;

CREATE TRIGGER findings_ignored_update AFTER UPDATE ON ignored
BEGIN
    INSERT OR IGNORE INTO findings_dirty_names(scope, line_id, name) VALUES (OLD.scope, 0, OLD.name);
    INSERT OR IGNORE INTO findings_dirty_names(scope, line_id, name) VALUES (NEW.scope, 0, NEW.name);
END;

CREATE TRIGGER findings_brand_aliases_insert AFTER INSERT ON brand_aliases
BEGIN
    INSERT OR IGNORE INTO findings_dirty_names(scope, line_id, name) VALUES ('brand', 0, NEW.alias);
    INSERT OR IGNORE INTO findings_dirty_names(scope, line_id, name) VALUES ('brand', 0, NEW.name);
END;

CREATE TRIGGER findings_brand_aliases_delete AFTER DELETE ON brand_aliases
BEGIN
    INSERT OR IGNORE INTO findings_dirty_names(scope, line_id, name) VALUES ('brand', 0, OLD.alias);
    INSERT OR IGNORE INTO findings_dirty_names(scope, line_id, name) VALUES ('brand', 0, OLD.name);
END;

CREATE TRIGGER findings_brand_aliases_update AFTER UPDATE ON brand_aliases
BEGIN
    INSERT OR IGNORE INTO findings_dirty_names(scope, line_id, name) VALUES ('brand', 0, OLD.alias);
    INSERT OR IGNORE INTO findings_dirty_names(scope, line_id, name) VALUES ('brand', 0, OLD.name);
    INSERT OR IGNORE INTO findings_dirty_names(scope, line_id, name) VALUES ('brand', 0, NEW.alias);
    INSERT OR IGNORE INTO findings_dirty_names(scope, line_id, name) VALUES ('brand', 0, NEW.name);
END;
