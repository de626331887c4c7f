//! Live trusted-network lists: a counter that goes up whenever the server says the list
//! changed (server-sent events from `/api/trusted_events`). Resources that read it reload.

use leptos::prelude::*;

/// A version number for the trusted-network list, bumped on each change the server
/// announces. Only the browser listens; the server render sees 0.
pub fn use_trust_changes() -> ReadSignal<u64> {
    let (version, set_version) = signal(0u64);
    #[cfg(feature = "hydrate")]
    browser::listen(set_version);
    #[cfg(not(feature = "hydrate"))]
    let _ = set_version;
    version
}

#[cfg(feature = "hydrate")]
mod browser {
    use futures::StreamExt;
    use gloo_net::eventsource::futures::EventSource;
    use leptos::prelude::*;
    use send_wrapper::SendWrapper;
    use std::cell::RefCell;
    use std::rc::Rc;
    use std::time::Duration;

    const URL: &str = "/api/trusted_events";
    /// How long to wait before connecting again after the stream ended.
    const RETRY: Duration = Duration::from_secs(2);

    type Held = Rc<RefCell<Option<EventSource>>>;

    pub fn listen(set_version: WriteSignal<u64>) {
        let held: Held = Rc::new(RefCell::new(None));
        let alive = Rc::new(RefCell::new(true));
        connect(set_version, held.clone(), alive.clone(), false);
        // Leaving the page closes the stream and stops the reconnecting.
        let on_leave = SendWrapper::new((held, alive));
        on_cleanup(move || {
            let (held, alive) = on_leave.take();
            *alive.borrow_mut() = false;
            if let Some(source) = held.borrow_mut().take() {
                source.close();
            }
        });
    }

    fn connect(set_version: WriteSignal<u64>, held: Held, alive: Rc<RefCell<bool>>, reconnected: bool) {
        let Ok(mut source) = EventSource::new(URL) else {
            return;
        };
        let Ok(mut changes) = source.subscribe("message") else {
            return;
        };
        *held.borrow_mut() = Some(source);
        if reconnected {
            // Whatever changed while the stream was down.
            set_version.update(|v| *v += 1);
        }
        leptos::task::spawn_local(async move {
            while let Some(Ok(_)) = changes.next().await {
                set_version.update(|v| *v += 1);
            }
            if *alive.borrow() {
                let later = SendWrapper::new((held, alive));
                set_timeout(
                    move || {
                        let (held, alive) = later.take();
                        connect(set_version, held, alive, true);
                    },
                    RETRY,
                );
            }
        });
    }
}
