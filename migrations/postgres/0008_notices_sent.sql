-- Mailed notices of a change to someone's sign-in details: when each went, per person,
-- so that a flood of changes cannot become a flood of mail.
CREATE TABLE notices_sent (
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind    TEXT   NOT NULL,
    sent_at BIGINT NOT NULL
);
CREATE INDEX notices_sent_by_user ON notices_sent (user_id, kind, sent_at);
