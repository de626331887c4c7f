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
    let t = crate::i18n::t();
    view! {
        <Title text=t.nav.home />
        <Transition fallback=move || view! { <h1>{t.home.welcome}</h1> }>
            <h1>{t.home.welcome_name} {name}</h1>
        </Transition>
        <p class="lead">{t.home.lead}</p>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                reason.await.ok().flatten().map(|reason| view! { <NoCodeLine reason /> })
            })}
        </Transition>
    }
}

#[component]
fn NoCodeLine(reason: NoCodeReason) -> impl IntoView {
    let t = &crate::i18n::t().home;
    match reason {
        NoCodeReason::TrustedEntry { network, until } => view! {
            <p class="no-code-line">
                {t.no_code_asked} <span class="mono">{network}</span> {t.trusted_until}
                <LocalTime at=until /> ". " <a href=crate::routes::ACCOUNT>{t.manage_in_account}</a>
            </p>
        }
        .into_any(),
        NoCodeReason::Office { name } => view! {
            <p class="no-code-line">{t.no_code_asked} {(t.from_office)(&name)}</p>
        }
        .into_any(),
    }
}
