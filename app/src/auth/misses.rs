//! Wrong answers at step 2 over time (spec §2 "Guessing over time"). Each pending sign-in
//! allows a few tries, but someone who knows the password can start sign-in after
//! sign-in; so wrong answers are also counted per person, across sign-ins and ways (a
//! sent code, the app, a recovery code), until a right one. At [`WARN_AT`] in a row the
//! person is mailed (at most once a [`WARN_EVERY_SECONDS`]); at [`LOCK_AT`] the second
//! step is locked until an administrator or the operator sets a new password
//! (`sign_in_details`, "password reset").
//!
//! Each step is one statement on the person's row, so answers sent at once still count
//! one each, and the mail and the lock happen once.

use crate::clock::UnixSeconds;
use crate::db::{Conn, on_conn};

/// Wrong answers in a row after which the person is told.
pub const WARN_AT: i64 = 10;
/// Wrong answers in a row after which step 2 is locked (NIST SP 800-63B caps
/// consecutive failures at 100).
pub const LOCK_AT: i64 = 100;
/// The person is mailed at most this often.
pub const WARN_EVERY_SECONDS: i64 = 24 * 60 * 60;

/// What one more wrong answer led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AfterMiss {
    /// Wrong answers in a row, this one included.
    pub in_a_row: i64,
    /// This miss is the one that tells the person.
    pub warn: bool,
    /// This miss is the one that locked step 2.
    pub locked: bool,
}

/// Counts a wrong answer of person `user_id`.
pub async fn missed(
    conn: impl Into<Conn<'_>>,
    user_id: i64,
    now: UnixSeconds,
) -> Result<AfterMiss, sqlx::Error> {
    on_conn!(conn.into(), |db| {
        let in_a_row: i64 = sqlx::query_scalar(
            "INSERT INTO second_step_misses (user_id, in_a_row) VALUES ($1, 1)
             ON CONFLICT (user_id) DO UPDATE SET in_a_row = second_step_misses.in_a_row + 1
             RETURNING in_a_row",
        )
        .bind(user_id)
        .fetch_one(&mut *db)
        .await?;
        // Each of these matches one statement only, whatever runs beside it.
        let warn = sqlx::query(
            "UPDATE second_step_misses SET warned_at = $2
             WHERE user_id = $1 AND in_a_row >= $3 AND (warned_at IS NULL OR warned_at <= $2 - $4)",
        )
        .bind(user_id)
        .bind(now)
        .bind(WARN_AT)
        .bind(WARN_EVERY_SECONDS)
        .execute(&mut *db)
        .await?
        .rows_affected()
            > 0;
        let locked = sqlx::query(
            "UPDATE second_step_misses SET locked_at = $2
             WHERE user_id = $1 AND in_a_row >= $3 AND locked_at IS NULL",
        )
        .bind(user_id)
        .bind(now)
        .bind(LOCK_AT)
        .execute(&mut *db)
        .await?
        .rows_affected()
            > 0;
        Ok(AfterMiss {
            in_a_row,
            warn,
            locked,
        })
    })
}

/// A right answer: the run of wrong ones is over (a lock stays).
pub async fn answered(conn: impl Into<Conn<'_>>, user_id: i64) -> Result<(), sqlx::Error> {
    on_conn!(conn.into(), |db| {
        sqlx::query("UPDATE second_step_misses SET in_a_row = 0 WHERE user_id = $1 AND locked_at IS NULL")
            .bind(user_id)
            .execute(db)
            .await
            .map(|_| ())
    })
}

/// Whether step 2 is locked for person `user_id`.
pub async fn locked(conn: impl Into<Conn<'_>>, user_id: i64) -> Result<bool, sqlx::Error> {
    on_conn!(conn.into(), |db| {
        let at: Option<Option<i64>> =
            sqlx::query_scalar("SELECT locked_at FROM second_step_misses WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(db)
                .await?;
        Ok(at.flatten().is_some())
    })
}

/// A new password set by an administrator or the operator: the count starts again and a
/// lock is lifted. Returns whether there was a lock. Inside the caller's transaction.
pub async fn clear(conn: impl Into<Conn<'_>>, user_id: i64) -> Result<bool, sqlx::Error> {
    on_conn!(conn.into(), |db| {
        let at: Option<Option<i64>> =
            sqlx::query_scalar("DELETE FROM second_step_misses WHERE user_id = $1 RETURNING locked_at")
                .bind(user_id)
                .fetch_optional(db)
                .await?;
        Ok(at.flatten().is_some())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Backend;
    use crate::testing::{person, state_on};

    async fn the_tenth_miss_warns_once_a_day_and_the_hundredth_locks(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let jdoe = person(&state, "Jane Doe", "jdoe", &[]).await;
        let now = 1_800_000_000;
        let mut warned = Vec::new();
        for n in 1..=30 {
            let after = missed(&state.db, jdoe.id, now + n).await.unwrap();
            assert_eq!(after.in_a_row, n);
            assert!(!after.locked);
            if after.warn {
                warned.push(n);
            }
        }
        assert_eq!(warned, [WARN_AT], "told at the tenth, not again the same day");
        // A right answer ends the run; the next run is told again only a day later.
        answered(&state.db, jdoe.id).await.unwrap();
        for n in 1..WARN_AT {
            assert!(!missed(&state.db, jdoe.id, now + 100 + n).await.unwrap().warn);
        }
        assert!(
            !missed(&state.db, jdoe.id, now + 200).await.unwrap().warn,
            "same day"
        );
        let next_day = now + WARN_AT + WARN_EVERY_SECONDS;
        assert!(missed(&state.db, jdoe.id, next_day).await.unwrap().warn);

        let mut locked_at = None;
        for _ in 0..LOCK_AT {
            let after = missed(&state.db, jdoe.id, next_day + 1).await.unwrap();
            if after.locked {
                assert!(locked_at.is_none(), "locked once");
                locked_at = Some(after.in_a_row);
            }
        }
        assert_eq!(locked_at, Some(LOCK_AT));
        assert!(locked(&state.db, jdoe.id).await.unwrap());
        // A right answer (from a sign-in begun before the lock) does not lift it.
        answered(&state.db, jdoe.id).await.unwrap();
        assert!(locked(&state.db, jdoe.id).await.unwrap());
        assert!(clear(&state.db, jdoe.id).await.unwrap(), "there was a lock");
        assert!(!locked(&state.db, jdoe.id).await.unwrap());
        assert_eq!(
            missed(&state.db, jdoe.id, next_day + 2).await.unwrap().in_a_row,
            1
        );
    }

    async fn fifty_misses_at_once_count_fifty_and_warn_once(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let jdoe = person(&state, "Jane Doe", "jdoe", &[]).await;
        let mut misses = tokio::task::JoinSet::new();
        for _ in 0..50 {
            let state = state.clone();
            misses.spawn(async move {
                let mut tx = state.db.begin_write().await.unwrap();
                let after = missed(&mut tx, jdoe.id, 1_800_000_000).await.unwrap();
                tx.commit().await.unwrap();
                after
            });
        }
        let afters: Vec<AfterMiss> = misses.join_all().await;
        let mut counts: Vec<i64> = afters.iter().map(|a| a.in_a_row).collect();
        counts.sort();
        assert_eq!(counts, (1..=50).collect::<Vec<_>>());
        assert_eq!(afters.iter().filter(|a| a.warn).count(), 1);
    }

    crate::on_both_backends!(
        the_tenth_miss_warns_once_a_day_and_the_hundredth_locks,
        fifty_misses_at_once_count_fifty_and_warn_once,
    );
}
