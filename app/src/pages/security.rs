//! System › Security (spec §1): the two-step toggle, the people who could not receive a
//! code, every trusted IP address (live), the office networks (live) with Check an
//! address, the trust period and the security events.
//!
//! Everything works before the page's code has loaded: the toggle, the deletes and the
//! trust period are forms; the filters are `GET` forms and the pagers links, all driven
//! by the address (`?q=&sort=&from=` for the addresses, `?person=&kind=&shown=` for the
//! events, `?check=` for Check an address), so a filtered view can be linked to and the server renders it as it is.

use crate::error::AppError;
use crate::form_post;
use crate::pages::layout::RequirePermission;
use crate::pages::live::use_trust_changes;
use crate::pages::local_time::LocalTime;
use crate::pages::office_networks::{CheckAddress, OfficeNetworksSection};
use crate::pages::trusted_table::{DeleteTarget, TrustedTable};
use crate::pages::widgets::{ErrorLine, Loading, SubmitButton, kept_fields};
use crate::permissions::Permission;
use crate::security_settings::{
    EVENTS_PAGE_SIZE, EVENTS_SHOWN_MAX, SecuritySummary, SetTrustDays, SetTwoStep, SettingOutcome,
    ToggleOutcome, Unreachable, events_shown, security_events, security_overview,
};
use crate::trusted_networks::{PAGE_SIZE, TrustedOrder, trusted_networks};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

/// The query keys of each section; a section's form carries the other's along.
const TRUSTED_KEYS: [&str; 3] = ["q", "sort", "from"];
const EVENT_KEYS: [&str; 3] = ["person", "kind", "shown"];
const CHECK_KEYS: [&str; 1] = ["check"];
/// What each section's form keeps of the others.
const BESIDE_TRUSTED: [&str; 4] = ["person", "kind", "shown", "check"];
const BESIDE_EVENTS: [&str; 4] = ["q", "sort", "from", "check"];
const BESIDE_CHECK: [&str; 6] = ["q", "sort", "from", "person", "kind", "shown"];

/// This page's address with `set` replacing those keys (an empty value drops the key).
fn href_with(query: &ParamsMap, set: &[(&str, String)]) -> String {
    let mut pairs = form_urlencoded::Serializer::new(String::new());
    for key in TRUSTED_KEYS
        .iter()
        .chain(EVENT_KEYS.iter())
        .chain(CHECK_KEYS.iter())
    {
        let value = match set.iter().find(|(k, _)| k == key) {
            Some((_, value)) => value.clone(),
            None => query.get(key).unwrap_or_default(),
        };
        if !value.is_empty() {
            pairs.append_pair(key, &value);
        }
    }
    format!("{}?{}", crate::routes::SECURITY, pairs.finish())
}

#[component]
pub fn SecurityPage() -> impl IntoView {
    let t = &crate::i18n::t().system.security;
    view! {
        <Title text=t.title />
        <RequirePermission permission=Permission::Security>
            <SecurityContent />
        </RequirePermission>
    }
}

#[component]
fn SecurityContent() -> impl IntoView {
    let toggle = ServerAction::<SetTwoStep>::new();
    form_post::restore(toggle);
    // Reloaded after each toggle: the readiness list depends on nothing else here.
    let summary = Resource::new(move || toggle.version().get(), |_| security_overview());
    // One event stream for the page: both lists reload from it.
    let changes = use_trust_changes();
    let t = &crate::i18n::t().system.security;
    view! {
        <h1>{t.title}</h1>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match summary.await {
                    Ok(summary) => Either::Left(view! { <Overview summary toggle /> }),
                    Err(error) => Either::Right(view! { <ErrorLine text=error.text().to_string() /> }),
                }
            })}
        </Transition>
        <TrustedSection changes />
        <OfficeNetworksSection changes />
        <CheckAddress changes keep=&BESIDE_CHECK />
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
    let t = &crate::i18n::t().system.security;
    let pending = toggle.pending();
    let refusal = move || match toggle.value().get() {
        Some(Ok(ToggleOutcome::Refused { message })) => Some(message),
        Some(Err(error)) => Some(error.text().to_string()),
        _ => None,
    };
    let label = if two_step_enabled { t.enabled } else { t.disabled };
    view! {
        <section class="panel" aria-labelledby="two-step-heading">
            <h2 id="two-step-heading">{t.two_step}</h2>
            <p class="lead">{t.two_step_lead}</p>
            // A form, so a click before the page's code has loaded still flips it.
            <ActionForm action=toggle>
                <input type="hidden" name="enabled" value=(!two_step_enabled).to_string() />
                <button
                    type="submit"
                    class=if two_step_enabled { "toggle on" } else { "toggle" }
                    aria-pressed=if two_step_enabled { "true" } else { "false" }
                    aria-describedby="two-step-error"
                    disabled=move || pending.get()
                    aria-busy=move || pending.get().then_some("true")
                >
                    {label}
                </button>
            </ActionForm>
            <p id="two-step-error" class="form-error" role="alert">{refusal}</p>
            <p class="your-ip">{t.your_ip} <strong>{your_ip}</strong></p>
        </section>
        <section class="panel" aria-labelledby="unreachable-heading">
            <h2 id="unreachable-heading">{t.unreachable_heading}</h2>
            <UnreachableList people=cannot_receive enabled=two_step_enabled />
        </section>
    }
}

#[component]
fn UnreachableList(people: Vec<Unreachable>, enabled: bool) -> impl IntoView {
    let t = &crate::i18n::t().system.security;
    if people.is_empty() {
        return Either::Left(view! { <p>{t.everyone_reachable}</p> });
    }
    let consequence = if enabled {
        t.unreachable_now
    } else {
        t.unreachable_later
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
    let query = use_query_map();
    let filter = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let order = Memo::new(move |_| TrustedOrder::from_key(&query.read().get("sort").unwrap_or_default()));
    let offset = Memo::new(move |_| {
        let from = query.read().get("from").and_then(|v| v.parse::<i64>().ok());
        crate::limits::list_offset(from.unwrap_or(0))
    });
    let page = Resource::new(
        move || (filter.get(), order.get(), offset.get(), changes.get()),
        |(filter, order, offset, _)| trusted_networks(filter, order, offset),
    );
    let t = &crate::i18n::t().system.security;
    view! {
        <section class="panel wide" aria-labelledby="trusted-heading">
            <h2 id="trusted-heading">{t.trusted_heading}</h2>
            <Form method="GET" action="" attr:class="filters">
                {move || kept_fields(&query.read(), &BESIDE_TRUSTED)}
                <div class="field">
                    <label for="trusted-filter">{t.trusted_filter}</label>
                    <input id="trusted-filter" type="search" name="q" maxlength="100" value=filter.get_untracked() prop:value=move || filter.get() />
                </div>
                <div class="field">
                    <label for="trusted-order">{t.sort_by}</label>
                    <select id="trusted-order" name="sort">
                        {move || {
                            let chosen = order.get();
                            TrustedOrder::ALL.map(|o| view! { <option value=o.key() selected=o == chosen>{o.label()}</option> })
                        }}
                    </select>
                </div>
                <button type="submit" class="secondary">{t.show}</button>
            </Form>
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
                                    delete=DeleteTarget::AnyEntry
                                    caption=t.trusted_caption
                                />
                                <Pager total from size=PAGE_SIZE label=t.trusted_pages />
                            })
                        }
                        Err(error) => Either::Right(view! { <ErrorLine text=error.text().to_string() /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

/// "101–200 of 230" with links to the previous and next page, shown only when there is
/// more than one page. `label` names the pager ("Pages of trusted IP addresses").
#[component]
fn Pager(total: i64, from: i64, size: i64, label: &'static str) -> impl IntoView {
    let t = &crate::i18n::t().system.pager;
    let query = use_query_map();
    (total > size).then(|| {
        let last = (from + size).min(total);
        let previous = (from > 0).then(|| {
            href_with(
                &query.read_untracked(),
                &[("from", (from - size).max(0).to_string())],
            )
        });
        let next = (last < total)
            .then(|| href_with(&query.read_untracked(), &[("from", (from + size).to_string())]));
        view! {
            <nav class="pager" aria-label=label>
                {previous.map(|href| view! { <a href=href>{t.previous}</a> })}
                <span>{(t.range)(from + 1, last, total)}</span>
                {next.map(|href| view! { <a href=href>{t.next}</a> })}
            </nav>
        }
    })
}

/// The stored period comes from the page's summary; after a save the field keeps what
/// was typed, which is what was stored.
#[component]
fn TrustPeriod(summary: Resource<Result<SecuritySummary, AppError>>) -> impl IntoView {
    let save = ServerAction::<SetTrustDays>::new();
    // A refused number the browser posted itself is shown again with the reason.
    let typed = form_post::restore(save)
        .filter(|_| {
            matches!(
                save.value().get_untracked(),
                Some(Ok(SettingOutcome::Refused { .. }))
            )
        })
        .and_then(|answer| answer.field("days").map(str::to_string));
    let pending = save.pending();
    let t = &crate::i18n::t().system.security;
    let message = move || match save.value().get() {
        Some(Ok(SettingOutcome::Refused { message })) => Some(Err(message)),
        Some(Err(error)) => Some(Err(error.text().to_string())),
        Some(Ok(SettingOutcome::Saved)) => Some(Ok(t.trust_saved)),
        None => None,
    };
    view! {
        <section class="panel" aria-labelledby="trust-period-heading">
            <h2 id="trust-period-heading">{t.trust_period}</h2>
            <ActionForm action=save>
                <div class="field">
                    <label for="trust-days">{t.trust_days}</label>
                    <Transition fallback=|| view! { <input id="trust-days" name="days" type="number" disabled /> }>
                        {move || {
                            let typed = typed.clone();
                            Suspend::new(async move {
                                let stored = summary.await.map(|s| s.trust_days).unwrap_or(30);
                                let days = typed.unwrap_or_else(|| stored.to_string());
                                view! {
                                    <input
                                        id="trust-days"
                                        name="days"
                                        type="number"
                                        min=crate::limits::TRUST_DAYS.start().to_string()
                                        max=crate::limits::TRUST_DAYS.end().to_string()
                                        required
                                        value=days
                                        aria-describedby="trust-days-hint trust-days-message"
                                        aria-invalid=move || matches!(message(), Some(Err(_))).then_some("true")
                                    />
                                }
                            })
                        }}
                    </Transition>
                    <p id="trust-days-hint" class="hint">
                        {(t.trust_days_hint)(
                            *crate::limits::TRUST_DAYS.start(),
                            *crate::limits::TRUST_DAYS.end(),
                        )}
                    </p>
                    <p id="trust-days-message" role="status" class=move || if matches!(message(), Some(Err(_))) { "field-error" } else { "status-line" }>
                        {move || message().map(|m| m.map(str::to_string).unwrap_or_else(|e| e))}
                    </p>
                </div>
                <SubmitButton label=t.save_trust_period pending />
            </ActionForm>
        </section>
    }
}

#[component]
fn EventsSection(changes: ReadSignal<u64>) -> impl IntoView {
    let query = use_query_map();
    let person = Memo::new(move |_| query.read().get("person").unwrap_or_default());
    let kind = Memo::new(move |_| query.read().get("kind").unwrap_or_default());
    let shown = Memo::new(move |_| {
        events_shown(
            query
                .read()
                .get("shown")
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(0),
        )
    });
    let page = Resource::new(
        move || (person.get(), kind.get(), shown.get(), changes.get()),
        |(person, kind, shown, _)| security_events(person, kind, shown),
    );
    let (t, show) = (
        &crate::i18n::t().system.events,
        crate::i18n::t().system.security.show,
    );
    view! {
        <section class="panel wide" aria-labelledby="events-heading">
            <h2 id="events-heading">{t.heading}</h2>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => {
                            let total = page.total;
                            let listed = page.rows.len() as i64;
                            let chosen = kind.get_untracked();
                            let more = (listed < total && listed < EVENTS_SHOWN_MAX).then(|| {
                                href_with(&query.read_untracked(), &[("shown", (listed + EVENTS_PAGE_SIZE).to_string())])
                            });
                            Either::Left(view! {
                                <Form method="GET" action="" attr:class="filters">
                                    {kept_fields(&query.read_untracked(), &BESIDE_EVENTS)}
                                    <div class="field">
                                        <label for="events-person">{t.filter_person}</label>
                                        <input id="events-person" type="search" name="person" maxlength="100" value=person.get_untracked() />
                                    </div>
                                    <div class="field">
                                        <label for="events-kind">{t.kind}</label>
                                        <select id="events-kind" name="kind">
                                            <option value="" selected=chosen.is_empty()>{t.all}</option>
                                            {page.kinds.into_iter().map(|k| {
                                                let selected = k == chosen;
                                                let label = (t.kind_label)(&k);
                                                view! { <option value=k selected=selected>{label}</option> }
                                            }).collect_view()}
                                        </select>
                                    </div>
                                    <button type="submit" class="secondary">{show}</button>
                                </Form>
                                <div class="table-wrap">
                                    <table class="grid events stack">
                                        <caption class="visually-hidden">{t.caption}</caption>
                                        <thead><tr>
                                            <th scope="col">{t.when}</th><th scope="col">{t.event}</th>
                                            <th scope="col">{t.by}</th><th scope="col">{t.person}</th>
                                            <th scope="col">{t.ip_address}</th><th scope="col">{t.detail}</th>
                                        </tr></thead>
                                        <tbody>
                                            {page.rows.into_iter().map(|e| view! {
                                                <tr>
                                                    <td data-label=t.when><LocalTime at=e.at /></td>
                                                    <td data-label=t.event>{(t.kind_label)(&e.kind)}</td>
                                                    <td data-label=t.by>{e.actor.unwrap_or_else(|| "—".into())}</td>
                                                    <td data-label=t.person>{e.subject.unwrap_or_else(|| "—".into())}</td>
                                                    <td data-label=t.ip_address class="mono">
                                                        {e.client_ip.unwrap_or_else(|| "—".into())}
                                                    </td>
                                                    <td data-label=t.detail>{e.detail}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <p class="pager" role="status">
                                    {(t.count)(listed, total)}
                                    {more.map(|href| view! { " " <a href=href>{t.show_more}</a> })}
                                    {(listed >= EVENTS_SHOWN_MAX && total > listed).then_some(t.narrow)}
                                </p>
                            })
                        }
                        Err(error) => Either::Right(view! { <ErrorLine text=error.text().to_string() /> }),
                    }
                })}
            </Transition>
        </section>
    }
}
