//! System › Security (spec §1): the two-step toggle and the people who could not
//! receive a code.

use crate::security_settings::{SecuritySummary, SetTwoStep, ToggleOutcome, Unreachable, security_overview};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SecurityPage() -> impl IntoView {
    let toggle = ServerAction::<SetTwoStep>::new();
    // Reloaded after each toggle: the readiness list depends on nothing else here.
    let summary = Resource::new(move || toggle.version().get(), |_| security_overview());
    view! {
        <Title text="Security" />
        <h1>"Security"</h1>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match summary.await {
                    Ok(summary) => Either::Left(view! { <Overview summary toggle /> }),
                    Err(error) => Either::Right(view! { <p class="form-error" role="alert">{error.to_string()}</p> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn Overview(summary: SecuritySummary, toggle: ServerAction<SetTwoStep>) -> impl IntoView {
    let SecuritySummary {
        two_step_enabled,
        cannot_receive,
        your_ip,
    } = summary;
    let pending = toggle.pending();
    let refusal = move || match toggle.value().get() {
        Some(Ok(ToggleOutcome::Refused { message })) => Some(message),
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    };
    let label = if two_step_enabled { "Enabled" } else { "Disabled" };
    view! {
        <section class="panel" aria-labelledby="two-step-heading">
            <h2 id="two-step-heading">"Two-step authentication"</h2>
            <p class="lead">
                "When it is enabled, everyone signs in with their password and then a code sent to them."
            </p>
            <button
                type="button"
                class=if two_step_enabled { "toggle on" } else { "toggle" }
                aria-pressed=if two_step_enabled { "true" } else { "false" }
                aria-describedby="two-step-error"
                disabled=move || pending.get()
                aria-busy=move || pending.get().then_some("true")
                on:click=move |_| {
                    toggle.dispatch(SetTwoStep { enabled: !two_step_enabled });
                }
            >
                {label}
            </button>
            <p id="two-step-error" class="form-error" role="alert">{refusal}</p>
            <p class="your-ip">"Your IP address as the server sees it: " <strong>{your_ip}</strong></p>
        </section>
        <section class="panel" aria-labelledby="unreachable-heading">
            <h2 id="unreachable-heading">"Staff who cannot receive a code"</h2>
            <UnreachableList people=cannot_receive enabled=two_step_enabled />
        </section>
    }
}

#[component]
fn UnreachableList(people: Vec<Unreachable>, enabled: bool) -> impl IntoView {
    if people.is_empty() {
        return Either::Left(view! { <p>"Everyone active has an email address on file."</p> });
    }
    let consequence = if enabled {
        "They cannot sign in now. Add an email address for each in Personnel."
    } else {
        "They could not sign in once two-step authentication is enabled. Add an email address for each in Personnel."
    };
    Either::Right(view! {
        <p class="warning">{consequence}</p>
        <ul class="people">
            {people
                .into_iter()
                .map(|person| {
                    let href = format!("/maintenance/organisation/personnel?edit={}", person.id);
                    view! {
                        <li>
                            <a href=href>{person.name}</a>
                            " "
                            <span class="muted">"(" {person.username} ")"</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    })
}
