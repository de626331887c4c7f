-- Wrong answers at step 2 in a row, per person, across sign-ins and ways: when the
-- person was last told, and when step 2 was locked.
CREATE TABLE second_step_misses (
    user_id   BIGINT PRIMARY KEY REFERENCES users (id),
    in_a_row  BIGINT NOT NULL,
    warned_at BIGINT,
    locked_at BIGINT
);
