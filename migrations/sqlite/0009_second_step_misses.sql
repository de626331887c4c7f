-- Wrong answers at step 2 in a row, per person, across sign-ins and ways (spec §2
-- "Guessing over time"): when the person was last told, and when step 2 was locked.
-- A right answer sets the count back to 0; a password reset removes the row.
CREATE TABLE second_step_misses (
    user_id   INTEGER PRIMARY KEY REFERENCES users (id),
    in_a_row  INTEGER NOT NULL,
    warned_at INTEGER,
    locked_at INTEGER
);
