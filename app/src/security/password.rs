//! Password hashing with argon2id, run off the async threads.
//!
//! Hashing is the most expensive thing the server does, so it is rationed: at most
//! `workers` hashes run at once (one per core), at most `queue` more wait for a turn, and
//! anything past that is refused at once as `Busy` (503) instead of piling up memory.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// argon2id with m = 19456 KiB, t = 2, p = 1 (spec §2 "Password step").
fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A stored password hash (PHC string). It has no `Serialize`, so it cannot be sent to
/// the browser by accident, and its `Debug` hides the value.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredHash(String);

impl StoredHash {
    pub fn from_stored(phc: String) -> Self {
        Self(phc)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for StoredHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoredHash(…)")
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum HashError {
    #[error("too many password checks are waiting")]
    Busy,
    #[error("password hashing failed")]
    Failed,
}

pub struct PasswordHasher {
    running: Arc<Semaphore>,
    admitted: Arc<Semaphore>,
    /// Running plus waiting places.
    capacity: usize,
    /// Checked against when the username is unknown, so that path costs the same work.
    dummy: StoredHash,
}

impl PasswordHasher {
    pub fn new(workers: usize, queue: usize) -> Self {
        let workers = workers.max(1);
        let dummy = hash_now(&random_password()).expect("hashing a random password");
        Self {
            running: Arc::new(Semaphore::new(workers)),
            admitted: Arc::new(Semaphore::new(workers + queue)),
            capacity: workers + queue,
            dummy,
        }
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: String) -> Result<StoredHash, HashError> {
        self.run(move || hash_now(&password)).await?
    }

    /// Checks `password` against `stored`, or against a dummy hash when there is no
    /// stored hash (unknown person): same parameters, so the same work either way.
    pub async fn verify(&self, password: String, stored: Option<StoredHash>) -> Result<bool, HashError> {
        let (hash, known) = match stored {
            Some(hash) => (hash, true),
            None => (self.dummy.clone(), false),
        };
        let matches = self.run(move || verify_now(&password, &hash)).await?;
        Ok(known && matches)
    }

    /// Hashes waiting or running right now.
    pub fn in_flight(&self) -> usize {
        self.capacity - self.admitted.available_permits()
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let admitted = self
            .admitted
            .clone()
            .try_acquire_owned()
            .map_err(|_| HashError::Busy)?;
        let running = self
            .running
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| HashError::Failed)?;
        // The permits move into the blocking task: if the caller goes away, the slot is
        // still held until the hash really finishes, so the limit holds.
        tokio::task::spawn_blocking(move || {
            let result = work();
            drop((running, admitted));
            result
        })
        .await
        .map_err(|_| HashError::Failed)
    }
}

fn hash_now(password: &str) -> Result<StoredHash, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| StoredHash(h.to_string()))
        .map_err(|_| HashError::Failed)
}

fn verify_now(password: &str, stored: &StoredHash) -> bool {
    // A malformed stored hash verifies nothing. The comparison inside is constant-time.
    PasswordHash::new(stored.as_str())
        .map(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// A password nobody knows: 24 characters from the OS random source.
pub fn random_password() -> String {
    use rand::TryRngCore;
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rngs::OsRng.unwrap_err(), 24)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_own_password_only() {
        let hasher = PasswordHasher::new(1, 4);
        let stored = hasher.hash("correct horse".into()).await.unwrap();
        assert!(
            stored.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored:?}"
        );
        assert!(
            hasher
                .verify("correct horse".into(), Some(stored.clone()))
                .await
                .unwrap()
        );
        assert!(!hasher.verify("correct horsE".into(), Some(stored)).await.unwrap());
    }

    #[tokio::test]
    async fn two_hashes_of_one_password_differ_by_salt() {
        let hasher = PasswordHasher::new(1, 4);
        let a = hasher.hash("same".into()).await.unwrap();
        let b = hasher.hash("same".into()).await.unwrap();
        assert_ne!(a, b);
    }

    #[tokio::test]
    async fn an_unknown_person_is_checked_against_the_dummy_hash() {
        let hasher = PasswordHasher::new(1, 4);
        // The dummy has the real parameters, so the unknown path does the same work.
        assert!(
            hasher
                .dummy
                .as_str()
                .starts_with("$argon2id$v=19$m=19456,t=2,p=1$")
        );
        // Even the dummy's own password must not sign an unknown person in.
        assert!(!hasher.verify(String::new(), None).await.unwrap());
    }

    #[tokio::test]
    async fn a_malformed_stored_hash_never_verifies() {
        let hasher = PasswordHasher::new(1, 4);
        let broken = StoredHash::from_stored("not a hash".into());
        assert!(!hasher.verify("not a hash".into(), Some(broken)).await.unwrap());
    }

    #[test]
    fn debug_output_hides_the_hash() {
        let stored = StoredHash::from_stored("$argon2id$secret".into());
        assert!(!format!("{stored:?}").contains("secret"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn past_the_queue_the_hasher_answers_busy_at_once() {
        let hasher = Arc::new(PasswordHasher::new(1, 1));
        // Hold the only worker slot so that admitted checks wait rather than finish.
        let worker = hasher.running.clone().acquire_owned().await.unwrap();
        let spawn_check = |password: &'static str| {
            let h = hasher.clone();
            tokio::spawn(async move { h.verify(password.into(), None).await })
        };
        let (first, second) = (spawn_check("a"), spawn_check("b"));
        while hasher.in_flight() < 2 {
            tokio::task::yield_now().await;
        }
        // One worker plus one queued place, both taken: the third is refused at once.
        assert_eq!(hasher.verify("c".into(), None).await, Err(HashError::Busy));
        drop(worker);
        assert!(first.await.unwrap().is_ok());
        assert!(second.await.unwrap().is_ok());
        // Once the queue drains, work is admitted again.
        assert!(hasher.verify("d".into(), None).await.is_ok());
    }
}
