//! System › Security (spec §1): the two-step toggle, the people who could not receive a
//! code, every trusted IP address (live), the trust period and the security events.

use crate::error::AppError;
use crate::pages::live::use_trust_changes;
use crate::pages::trusted_table::TrustedTable;
use crate::pages::widgets::{ErrorLine, Loading, SubmitButton};
use crate::security_settings::{
    EVENTS_PAGE_SIZE, SecuritySummary, SetTrustDays, SetTwoStep, SettingOutcome, ToggleOutcome, Unreachable,
    security_events, security_overview,
};
use crate::time_text::exact;
use crate::trusted_networks::{PAGE_SIZE, TrustedOrder, delete_trusted, trusted_networks};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SecurityPage() -> impl IntoView {
    let toggle = ServerAction::<SetTwoStep>::new();
    // Reloaded after each toggle: the readiness list depends on nothing else here.
    let summary = Resource::new(move || toggle.version().get(), |_| security_overview());
    // One event stream for the page: both lists reload from it.
    let changes = use_trust_changes();
    view! {
        <Title text="Security" />
        <h1>"Security"</h1>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match summary.await {
                    Ok(summary) => Either::Left(view! { <Overview summary toggle /> }),
                    Err(error) => Either::Right(view! { <ErrorLine text=error.to_string() /> }),
                }
            })}
        </Transition>
        <TrustedSection changes />
        <TrustPeriod summary />
        <EventsSection changes />
    }
}

#[component]
fn Overview(summary: SecuritySummary, toggle: ServerAction<SetTwoStep>) -> impl IntoView {
    let SecuritySummary {
        two_step_enabled,
        cannot_receive,
        your_ip,
        trust_days: _,
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
                    let href = format!("{}?edit={}", crate::routes::PERSONNEL, person.id);
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

#[component]
fn TrustedSection(changes: ReadSignal<u64>) -> impl IntoView {
    let filter = RwSignal::new(String::new());
    let order = RwSignal::new(TrustedOrder::default());
    let offset = RwSignal::new(0i64);
    let page = Resource::new(
        move || (filter.get(), order.get(), offset.get(), changes.get()),
        |(filter, order, offset, _)| trusted_networks(filter, order, offset),
    );
    view! {
        <section class="panel wide" aria-labelledby="trusted-heading">
            <h2 id="trusted-heading">"Trusted IP addresses"</h2>
            <div class="filters">
                <div class="field">
                    <label for="trusted-filter">"Filter by person or address"</label>
                    <input
                        id="trusted-filter"
                        type="search"
                        maxlength="100"
                        on:input=move |event| {
                            offset.set(0);
                            filter.set(event_target_value(&event));
                        }
                    />
                </div>
                <div class="field">
                    <label for="trusted-order">"Sort by"</label>
                    <select
                        id="trusted-order"
                        on:change=move |event| {
                            offset.set(0);
                            order.set(TrustedOrder::from_key(&event_target_value(&event)));
                        }
                    >
                        {TrustedOrder::ALL
                            .map(|o| view! { <option value=o.key() selected=o == TrustedOrder::default()>{o.label()}</option> })}
                    </select>
                </div>
            </div>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => {
                            let (total, from) = (page.total, page.offset);
                            Either::Left(view! {
                                <TrustedTable
                                    rows=page.rows
                                    now=page.now
                                    show_person=true
                                    delete=|id| Box::pin(delete_trusted(id))
                                    caption="Trusted IP addresses of every person"
                                />
                                <Pager total from size=PAGE_SIZE offset label="trusted IP addresses" />
                            })
                        }
                        Err(error) => Either::Right(view! { <ErrorLine text=error.to_string() /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

/// "41–80 of 230" with Previous and Next, shown only when there is more than one page.
#[component]
fn Pager(total: i64, from: i64, size: i64, offset: RwSignal<i64>, label: &'static str) -> impl IntoView {
    (total > size).then(|| {
        let last = (from + size).min(total);
        view! {
            <nav class="pager" aria-label=format!("Pages of {label}")>
                <button type="button" disabled=from == 0 on:click=move |_| offset.set((from - size).max(0))>"Previous"</button>
                <span>{format!("{}–{} of {}", from + 1, last, total)}</span>
                <button type="button" disabled=last >= total on:click=move |_| offset.set(from + size)>"Next"</button>
            </nav>
        }
    })
}

/// The stored period comes from the page's summary; after a save the field keeps what
/// was typed, which is what was stored.
#[component]
fn TrustPeriod(summary: Resource<Result<SecuritySummary, AppError>>) -> impl IntoView {
    let save = ServerAction::<SetTrustDays>::new();
    let pending = save.pending();
    let message = move || match save.value().get() {
        Some(Ok(SettingOutcome::Refused { message })) => Some(Err(message)),
        Some(Err(error)) => Some(Err(error.to_string())),
        Some(Ok(SettingOutcome::Saved)) => Some(Ok("Saved. It applies to addresses trusted from now on.")),
        None => None,
    };
    view! {
        <section class="panel" aria-labelledby="trust-period-heading">
            <h2 id="trust-period-heading">"Trust period"</h2>
            <ActionForm action=save>
                <div class="field">
                    <label for="trust-days">"Trust period (days)"</label>
                    <Transition fallback=|| view! { <input id="trust-days" name="days" type="number" disabled /> }>
                        {move || Suspend::new(async move {
                            let days = summary.await.map(|s| s.trust_days).unwrap_or(30);
                            view! {
                                <input
                                    id="trust-days"
                                    name="days"
                                    type="number"
                                    min=crate::limits::TRUST_DAYS.start().to_string()
                                    max=crate::limits::TRUST_DAYS.end().to_string()
                                    required
                                    value=days.to_string()
                                    aria-describedby="trust-days-hint trust-days-message"
                                    aria-invalid=move || matches!(message(), Some(Err(_))).then_some("true")
                                />
                            }
                        })}
                    </Transition>
                    <p id="trust-days-hint" class="hint">
                        {format!(
                            "From {} to {} days. A new period applies to addresses already trusted too.",
                            crate::limits::TRUST_DAYS.start(),
                            crate::limits::TRUST_DAYS.end(),
                        )}
                    </p>
                    <p id="trust-days-message" role="status" class=move || if matches!(message(), Some(Err(_))) { "field-error" } else { "status-line" }>
                        {move || message().map(|m| m.map(str::to_string).unwrap_or_else(|e| e))}
                    </p>
                </div>
                <SubmitButton label="Save trust period" pending />
            </ActionForm>
        </section>
    }
}

#[component]
fn EventsSection(changes: ReadSignal<u64>) -> impl IntoView {
    let person = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let offset = RwSignal::new(0i64);
    let page = Resource::new(
        move || (person.get(), kind.get(), offset.get(), changes.get()),
        |(person, kind, offset, _)| security_events(person, kind, offset),
    );
    view! {
        <section class="panel wide" aria-labelledby="events-heading">
            <h2 id="events-heading">"Security events"</h2>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => {
                            let (total, from) = (page.total, page.offset);
                            let kinds = page.kinds.clone();
                            let chosen = kind.get_untracked();
                            Either::Left(view! {
                                <div class="filters">
                                    <div class="field">
                                        <label for="events-person">"Filter by person"</label>
                                        <input id="events-person" type="search" maxlength="100" prop:value=person.get_untracked()
                                            on:change=move |event| { offset.set(0); person.set(event_target_value(&event)); } />
                                    </div>
                                    <div class="field">
                                        <label for="events-kind">"Kind"</label>
                                        <select id="events-kind" on:change=move |event| { offset.set(0); kind.set(event_target_value(&event)); }>
                                            <option value="" selected=chosen.is_empty()>"All"</option>
                                            {kinds.into_iter().map(|k| {
                                                let selected = k == chosen;
                                                view! { <option value=k.clone() selected=selected>{k.replace('_', " ")}</option> }
                                            }).collect_view()}
                                        </select>
                                    </div>
                                </div>
                                <div class="table-wrap">
                                    <table class="grid events">
                                        <caption class="visually-hidden">"Security events, newest first"</caption>
                                        <thead><tr>
                                            <th scope="col">"When"</th><th scope="col">"Event"</th><th scope="col">"By"</th>
                                            <th scope="col">"Person"</th><th scope="col">"IP address"</th><th scope="col">"Detail"</th>
                                        </tr></thead>
                                        <tbody>
                                            {page.rows.into_iter().map(|e| view! {
                                                <tr>
                                                    <td><time datetime=e.at.to_string() title=exact(e.at)>{exact(e.at)}</time></td>
                                                    <td>{e.kind.replace('_', " ")}</td>
                                                    <td>{e.actor.unwrap_or_else(|| "—".into())}</td>
                                                    <td>{e.subject.unwrap_or_else(|| "—".into())}</td>
                                                    <td class="mono">{e.client_ip.unwrap_or_default()}</td>
                                                    <td>{e.detail}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <Pager total from size=EVENTS_PAGE_SIZE offset label="security events" />
                            })
                        }
                        Err(error) => Either::Right(view! { <ErrorLine text=error.to_string() /> }),
                    }
                })}
            </Transition>
        </section>
    }
}
