//! The page a signed-in person lands on, with one line saying why no code was asked when
//! the sign-in skipped it (spec §1 "Why no code was asked"): two-step authentication that
//! seems to have stopped is then explained, not reported as broken.

use crate::auth::{NoCodeReason, why_no_code};
use crate::pages::layout::UserResource;
use crate::pages::local_time::LocalTime;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let me = expect_context::<UserResource>();
    let name = move || {
        me.get()
            .and_then(|r| r.ok().flatten())
            .map(|u| u.name)
            .unwrap_or_default()
    };
    let reason = Resource::new(|| (), |_| why_no_code());
    view! {
        <Title text="Home" />
        <Transition fallback=|| view! { <h1>"Welcome"</h1> }>
            <h1>"Welcome, " {name}</h1>
        </Transition>
        <p class="lead">"Use the Maintenance and System tabs above to find your way around."</p>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                reason.await.ok().flatten().map(|reason| view! { <NoCodeLine reason /> })
            })}
        </Transition>
    }
}

#[component]
fn NoCodeLine(reason: NoCodeReason) -> impl IntoView {
    match reason {
        NoCodeReason::TrustedEntry { network, until } => view! {
            <p class="no-code-line">
                "No code was asked: " <span class="mono">{network}</span> " is trusted for you until "
                <LocalTime at=until /> ". " <a href=crate::routes::ACCOUNT>"Manage it in My account"</a>
            </p>
        }
        .into_any(),
        NoCodeReason::Office { name } => view! {
            <p class="no-code-line">"No code was asked: you signed in from the office network " {name} "."</p>
        }
        .into_any(),
    }
}
