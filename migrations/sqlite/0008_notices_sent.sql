-- Mailed notices of a change to someone's sign-in details (spec §2 "Notices"): when each
-- went, per person, so that a flood of changes cannot become a flood of mail. Rows older
-- than the limit's window are removed as new ones are written.
CREATE TABLE notices_sent (
    user_id INTEGER NOT NULL REFERENCES users (id),
    -- Counted per kind: a run of one kind cannot use up the allowance of another.
    kind    TEXT    NOT NULL,
    sent_at INTEGER NOT NULL
);
CREATE INDEX notices_sent_by_user ON notices_sent (user_id, kind, sent_at);
