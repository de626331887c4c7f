//! Password hashing with argon2id, run off the async threads.
//!
//! Hashing is the most expensive thing the server does, so it is rationed: at most
//! `workers` hashes run at once (one per core), at most `queue` more wait for a turn, and
//! anything past that is refused at once as `Busy` (503) instead of piling up memory.
//! A quarter of the queue more (at least one place) is kept for [`Lane::KnownBrowser`]:
//! a flood from many networks fills the shared places, and still a browser the server
//! knows by its device cookie gets its password checked (spec §2 "Password step"). One
//! person holds at most one kept place at a time, so nobody fills them with cookies of
//! their own and their own password (a right password is not throttled).
//!
//! The hashes run on `workers` threads of their own, each reusing one 19 MiB block of
//! argon2 memory for every check: memory stays at `workers` × 19 MiB however long a
//! flood lasts (a fresh allocation per check, spread over a growing blocking pool, let
//! the allocator keep hundreds of MiB), and no time goes to allocating and zeroing it.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::{Arc, Mutex, mpsc};
use subtle::ConstantTimeEq;
use tokio::sync::{Semaphore, oneshot};

const M_COST: u32 = 19_456;
const T_COST: u32 = 2;
const P_COST: u32 = 1;

/// One worker's argon2 memory, reused for every check it runs.
type Memory = Vec<Block>;

/// Work for a hashing thread.
type Job = Box<dyn FnOnce(&mut Memory) + Send>;

/// argon2id with m = 19456 KiB, t = 2, p = 1 (spec §2 "Password step").
fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
}

fn params() -> Params {
    Params::new(M_COST, T_COST, P_COST, None).expect("valid argon2 parameters")
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

/// Which places in the queue a password check may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// The shared places: anyone, known or not.
    Anyone,
    /// A browser that presented a valid device cookie of the person with this id: the
    /// shared places, then one of those kept for it.
    KnownBrowser(i64),
}

impl Lane {
    /// The lane of a password attempt for `person` (when the name is someone's), by
    /// what its reservation counted against.
    pub fn of(reservation: &crate::auth::throttle::Reservation, person: Option<i64>) -> Lane {
        match (reservation.against, person) {
            (crate::auth::throttle::CountedAgainst::Device(_), Some(person)) => Lane::KnownBrowser(person),
            _ => Lane::Anyone,
        }
    }
}

/// Places kept for known browsers beside a shared queue of `queue`.
fn kept_places(queue: usize) -> usize {
    (queue / 4).max(1)
}

pub struct PasswordHasher {
    jobs: mpsc::Sender<Job>,
    running: Arc<Semaphore>,
    admitted: Arc<Semaphore>,
    /// The places only [`Lane::KnownBrowser`] may take.
    kept: Arc<Semaphore>,
    /// The people holding a kept place now.
    kept_by: Arc<Mutex<std::collections::HashSet<i64>>>,
    /// Running plus waiting places.
    #[cfg(any(test, feature = "test-support"))]
    capacity: usize,
    /// Checked against when the username is unknown, so that path costs the same work.
    dummy: StoredHash,
    /// Password checks begun since start: what an attacker got to try. A probe for the
    /// tests and benches, kept out of the release binary.
    #[cfg(any(test, feature = "test-support"))]
    verifications: std::sync::atomic::AtomicU64,
}

impl PasswordHasher {
    pub fn new(workers: usize, queue: usize) -> Self {
        let workers = workers.max(1);
        let dummy = hash_now(&random_password()).expect("hashing a random password");
        let (jobs, queue_out) = mpsc::channel::<Job>();
        let queue_out = Arc::new(Mutex::new(queue_out));
        for n in 0..workers {
            let queue_out = queue_out.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || {
                    let mut memory: Memory = vec![Block::default(); params().block_count()];
                    loop {
                        // The lock is held only to take a job, never while running it.
                        let job = match queue_out.lock() {
                            Ok(receiver) => receiver.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(&mut memory),
                            // The hasher was dropped.
                            Err(_) => return,
                        }
                    }
                })
                .expect("starting a hashing thread");
        }
        Self {
            jobs,
            running: Arc::new(Semaphore::new(workers)),
            admitted: Arc::new(Semaphore::new(workers + queue)),
            kept: Arc::new(Semaphore::new(kept_places(queue))),
            kept_by: Default::default(),
            #[cfg(any(test, feature = "test-support"))]
            capacity: workers + queue + kept_places(queue),
            dummy,
            #[cfg(any(test, feature = "test-support"))]
            verifications: Default::default(),
        }
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: String) -> Result<StoredHash, HashError> {
        self.run(Lane::Anyone, move |_| hash_now(&password)).await?
    }

    /// Checks `password` against `stored`, or against a dummy hash when there is no
    /// stored hash (unknown person): same parameters, so the same work either way.
    pub async fn verify(
        &self,
        password: String,
        stored: Option<StoredHash>,
        lane: Lane,
    ) -> Result<bool, HashError> {
        let (hash, known) = match stored {
            Some(hash) => (hash, true),
            None => (self.dummy.clone(), false),
        };
        #[cfg(any(test, feature = "test-support"))]
        self.verifications
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let matches = self
            .run(lane, move |memory| verify_now(&password, &hash, memory))
            .await?;
        crate::telemetry::password_check(known && matches);
        Ok(known && matches)
    }

    /// How many password checks were begun since start (tests).
    #[cfg(any(test, feature = "test-support"))]
    pub fn verifications(&self) -> u64 {
        self.verifications.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Hashes waiting or running right now (tests).
    #[cfg(any(test, feature = "test-support"))]
    pub fn in_flight(&self) -> usize {
        self.capacity - self.admitted.available_permits() - self.kept.available_permits()
    }

    async fn run<T: Send + 'static>(
        &self,
        lane: Lane,
        work: impl FnOnce(&mut Memory) -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let admitted = match (self.admitted.clone().try_acquire_owned(), lane) {
            (Ok(place), _) => Place::Shared { _permit: place },
            (Err(_), Lane::KnownBrowser(person)) => self.kept_place(person)?,
            (Err(_), Lane::Anyone) => return Err(HashError::Busy),
        };
        let running = self
            .running
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| HashError::Failed)?;
        let (answer, result) = oneshot::channel();
        // The permits move into the job: if the caller goes away, the slot is still held
        // until the hash really finishes, so the limit holds.
        let job: Job = Box::new(move |memory| {
            let outcome = work(memory);
            drop((running, admitted));
            let _ = answer.send(outcome);
        });
        self.jobs.send(job).map_err(|_| HashError::Failed)?;
        result.await.map_err(|_| HashError::Failed)
    }
}

impl PasswordHasher {
    /// A kept place for `person`, unless they hold one already or none is free.
    fn kept_place(&self, person: i64) -> Result<Place, HashError> {
        let mut holders = self
            .kept_by
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if holders.contains(&person) {
            return Err(HashError::Busy);
        }
        let permit = self
            .kept
            .clone()
            .try_acquire_owned()
            .map_err(|_| HashError::Busy)?;
        holders.insert(person);
        Ok(Place::Kept {
            _permit: permit,
            person,
            holders: self.kept_by.clone(),
        })
    }
}

/// A place in the queue, held until the hash finishes (the permits are given back when
/// it is dropped).
enum Place {
    Shared {
        _permit: tokio::sync::OwnedSemaphorePermit,
    },
    Kept {
        _permit: tokio::sync::OwnedSemaphorePermit,
        person: i64,
        holders: Arc<Mutex<std::collections::HashSet<i64>>>,
    },
}

impl Drop for Place {
    fn drop(&mut self) {
        if let Place::Kept { person, holders, .. } = self {
            holders
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .remove(person);
        }
    }
}

fn hash_now(password: &str) -> Result<StoredHash, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| StoredHash(h.to_string()))
        .map_err(|_| HashError::Failed)
}

/// Checks a password in `memory`. A hash with other parameters (an older policy) is
/// checked the library's way; a malformed one verifies nothing. Comparisons are
/// constant-time.
fn verify_now(password: &str, stored: &StoredHash, memory: &mut Memory) -> bool {
    let Ok(parsed) = PasswordHash::new(stored.as_str()) else {
        return false;
    };
    let ours = parsed.algorithm == argon2::ARGON2ID_IDENT
        && parsed.version == Some(Version::V0x13.into())
        && Params::try_from(&parsed)
            .is_ok_and(|p| (p.m_cost(), p.t_cost(), p.p_cost()) == (M_COST, T_COST, P_COST));
    let (Some(salt), Some(expected), true) = (parsed.salt, parsed.hash, ours) else {
        return argon2().verify_password(password.as_bytes(), &parsed).is_ok();
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut computed = vec![0u8; expected.len()];
    argon2()
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut computed, memory.as_mut_slice())
        .is_ok()
        && bool::from(computed.ct_eq(expected.as_bytes()))
}

/// A new random password (the first admin's, one the operator hands over, the hash of
/// unknown usernames): 20 characters from letters and digits that
/// cannot be mistaken for each other, in groups of five (about 100 bits, OS random).
pub fn random_password() -> String {
    use rand::TryRngCore;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut os = rand::rngs::OsRng.unwrap_err();
    (0..4)
        .map(|_| {
            (0..5)
                .map(|_| ALPHABET[rand::Rng::random_range(&mut os, 0..ALPHABET.len())] as char)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_passwords_are_long_unambiguous_and_different() {
        let first = random_password();
        assert_eq!(first.len(), 23);
        assert!(first.split('-').all(|group| group.len() == 5));
        assert!(!first.contains(['0', 'o', '1', 'l', 'i']));
        assert!(crate::auth::new_password::problem(&first, &[]).is_none());
        assert_ne!(first, random_password());
    }

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
                .verify("correct horse".into(), Some(stored.clone()), Lane::Anyone)
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify("correct horsE".into(), Some(stored), Lane::Anyone)
                .await
                .unwrap()
        );
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
        assert!(!hasher.verify(String::new(), None, Lane::Anyone).await.unwrap());
    }

    #[tokio::test]
    async fn a_malformed_stored_hash_never_verifies() {
        let hasher = PasswordHasher::new(1, 4);
        let broken = StoredHash::from_stored("not a hash".into());
        assert!(
            !hasher
                .verify("not a hash".into(), Some(broken), Lane::Anyone)
                .await
                .unwrap()
        );
    }

    #[test]
    fn the_reused_memory_path_agrees_with_the_library() {
        let mut memory: Memory = vec![Block::default(); params().block_count()];
        let stored = hash_now("s3cret").unwrap();
        assert!(verify_now("s3cret", &stored, &mut memory));
        assert!(!verify_now("s3creT", &stored, &mut memory));
        assert!(
            verify_now("s3cret", &stored, &mut memory),
            "the memory is reusable"
        );
        // A hash made under other parameters still verifies, the library's way.
        let old = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8_192, 1, 1, None).unwrap(),
        )
        .hash_password(b"older", &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string();
        assert!(verify_now(
            "older",
            &StoredHash::from_stored(old.clone()),
            &mut memory
        ));
        assert!(!verify_now("newer", &StoredHash::from_stored(old), &mut memory));
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
            tokio::spawn(async move { h.verify(password.into(), None, Lane::Anyone).await })
        };
        let (first, second) = (spawn_check("a"), spawn_check("b"));
        while hasher.in_flight() < 2 {
            tokio::task::yield_now().await;
        }
        // One worker plus one queued place, both taken: the third is refused at once.
        assert_eq!(
            hasher.verify("c".into(), None, Lane::Anyone).await,
            Err(HashError::Busy)
        );
        drop(worker);
        assert!(first.await.unwrap().is_ok());
        assert!(second.await.unwrap().is_ok());
        // Once the queue drains, work is admitted again.
        assert!(hasher.verify("d".into(), None, Lane::Anyone).await.is_ok());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_known_browser_is_admitted_when_the_shared_places_are_full() {
        let hasher = Arc::new(PasswordHasher::new(1, 8));
        let worker = hasher.running.clone().acquire_owned().await.unwrap();
        let spawn_check = |lane: Lane| {
            let h = hasher.clone();
            tokio::spawn(async move { h.verify("flood".into(), None, lane).await })
        };
        // The flood takes the worker's place and the eight queued ones.
        let flood: Vec<_> = (0..9).map(|_| spawn_check(Lane::Anyone)).collect();
        while hasher.in_flight() < 9 {
            tokio::task::yield_now().await;
        }
        assert_eq!(
            hasher.verify("more".into(), None, Lane::Anyone).await,
            Err(HashError::Busy)
        );
        // Two places are kept (a quarter of eight): one browser takes one of them...
        let known = spawn_check(Lane::KnownBrowser(1));
        while hasher.in_flight() < 10 {
            tokio::task::yield_now().await;
        }
        // ...and that person cannot take the other, whatever cookie they use.
        assert_eq!(
            hasher.verify("again".into(), None, Lane::KnownBrowser(1)).await,
            Err(HashError::Busy),
            "one kept place per person"
        );
        let other = spawn_check(Lane::KnownBrowser(2));
        while hasher.in_flight() < 11 {
            tokio::task::yield_now().await;
        }
        assert_eq!(
            hasher.verify("third".into(), None, Lane::KnownBrowser(3)).await,
            Err(HashError::Busy),
            "the kept places are bounded too"
        );
        drop(worker);
        assert!(known.await.unwrap().is_ok());
        assert!(other.await.unwrap().is_ok());
        for check in flood {
            assert!(check.await.unwrap().is_ok());
        }
        // Each place was given back, the person's mark with it.
        assert_eq!(hasher.in_flight(), 0);
        assert!(hasher.kept_by.lock().unwrap().is_empty());
    }
}
