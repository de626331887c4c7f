//! Names a test that hangs, then ends the run: a test waiting for ever would otherwise
//! hold the whole suite (and CI) until an outer time limit, which says nothing of which
//! test it was. libtest runs each test on a thread of its own named after the test, so a
//! thread-local guard marks when that test began and, when the thread ends, that it did.

use std::collections::BTreeMap;
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

/// Far above any test's run time on a loaded two-core machine (the slowest take well
/// under a minute); a test past it is waiting for something that will not come.
const HUNG_AFTER: Duration = Duration::from_secs(6 * 60);

fn running() -> &'static Mutex<BTreeMap<String, Instant>> {
    static RUNNING: Mutex<BTreeMap<String, Instant>> = Mutex::new(BTreeMap::new());
    &RUNNING
}

struct Running(String);

impl Drop for Running {
    fn drop(&mut self) {
        running()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(&self.0);
    }
}

thread_local! {
    static THIS_TEST: Option<Running> = {
        // Tests are named `module::test`; a runtime's worker thread is not a test.
        let name = std::thread::current().name().filter(|name| name.contains("::")).map(str::to_owned);
        name.map(|name| {
            running()
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .entry(name.clone())
                .or_insert_with(Instant::now);
            Running(name)
        })
    };
}

/// Marks the calling test as running until its thread ends, and starts the watchdog
/// once per process.
pub fn watch_this_test() {
    static WATCHDOG: Once = Once::new();
    WATCHDOG.call_once(|| {
        std::thread::Builder::new()
            .name("test-watchdog".into())
            .spawn(watch)
            .expect("watchdog thread");
    });
    THIS_TEST.with(|_| ());
}

fn watch() {
    loop {
        std::thread::sleep(Duration::from_secs(10));
        let hung: Vec<(String, Duration)> = running()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .map(|(name, began)| (name.clone(), began.elapsed()))
            .filter(|(_, ran)| *ran > HUNG_AFTER)
            .collect();
        if !hung.is_empty() {
            for (name, ran) in &hung {
                eprintln!("test watchdog: {name} has run for {} s: it hangs", ran.as_secs());
            }
            eprintln!("test watchdog: ending the run");
            std::process::exit(101);
        }
    }
}
