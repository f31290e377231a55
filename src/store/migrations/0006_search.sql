-- Migration 6: text search. An FTS5 index of message bodies with the
-- trigram tokenizer: any substring of three or more characters is found
-- through the index, Chinese included, with no word segmenter. The index is
-- external-content (it keeps no second copy of the bodies) and keeps no
-- positions or sizes (detail=none, columnsize=0): the search checks the
-- candidates with LIKE, which costs less than half the index size and time
-- at import. Triggers keep it in step with `messages` in the same
-- transaction as every delete and body change, whichever code path makes
-- it. New messages are indexed by the import that adds them, in its own
-- transaction, with one INSERT … SELECT when it commits (ImportTx::commit):
-- an insert trigger would make every message's INSERT a statement with a
-- savepoint, and FTS5 writes its pending terms out at each savepoint, which
-- made imports three times as expensive.
CREATE VIRTUAL TABLE messages_fts USING fts5(
    body,
    content = 'messages',
    content_rowid = 'id',
    tokenize = 'trigram',
    detail = none,
    columnsize = 0
);

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body);
END;

-- The messages already there.
INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
