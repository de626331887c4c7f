//! System › Security › Office networks (spec §1): the list with a **Remove <name>**
//! button per row, the form that adds one, and **Check an address**, which answers what
//! a sign-in from an address would do (the sign-in's own decision, on the server).
//!
//! As on the rest of the page, everything works before the page's code has loaded: the
//! add and remove buttons are forms, and the check is a `GET` form (`?check=`), so its
//! answer can be linked to and the server renders it.

use crate::form_post;
use crate::office_networks::{
    AddOfficeNetwork, AddOutcome, AddressCheck, OfficeField, OfficeRow, RemoveOfficeNetwork, check_address,
    office_networks, remove_office_network,
};
use crate::pages::local_time::LocalTime;
use crate::pages::widgets::{ErrorLine, Loading, SubmitButton, kept_fields};
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use std::collections::HashSet;

/// The list and the add form. `changes` ticks when another page (or instance) changed
/// the list.
#[component]
pub fn OfficeNetworksSection(changes: ReadSignal<u64>) -> impl IntoView {
    let add = ServerAction::<AddOfficeNetwork>::new();
    let posted = form_post::restore(add);
    let t = &crate::i18n::t().system.offices;
    let list = Resource::new(
        move || (changes.get(), add.version().get()),
        |_| office_networks(),
    );
    view! {
        <section class="panel wide" aria-labelledby="offices-heading">
            <h2 id="offices-heading">{t.heading}</h2>
            <p class="lead">{t.lead}</p>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(rows) => Either::Left(view! { <OfficeTable rows /> }),
                        Err(error) => Either::Right(view! { <ErrorLine text=error.text().to_string() /> }),
                    }
                })}
            </Transition>
            <AddOffice add posted />
        </section>
    }
}

#[component]
fn OfficeTable(rows: Vec<OfficeRow>) -> impl IntoView {
    let t = &crate::i18n::t().system.offices;
    let hidden = RwSignal::new(HashSet::<i64>::new());
    // A removal the browser posted itself and the server refused.
    let problem = RwSignal::new(
        match ServerAction::<RemoveOfficeNetwork>::new().value().get_untracked() {
            Some(Err(error)) => Some((t.not_removed)(error.text())),
            _ => None,
        },
    );
    if rows.is_empty() {
        return Either::Left(view! {
            <p class="form-error" role="alert">{move || problem.get()}</p>
            <p class="empty">{t.none}</p>
        });
    }
    let body = rows
        .into_iter()
        .map(|row| {
            let id = row.id;
            let removing = RwSignal::new(false);
            let name = row.name.clone();
            let remove = move |event: leptos::ev::SubmitEvent| {
                event.prevent_default();
                removing.set(true);
                problem.set(None);
                let name = name.clone();
                leptos::task::spawn_local(async move {
                    match remove_office_network(id).await {
                        Ok(()) => hidden.update(|h| {
                            h.insert(id);
                        }),
                        Err(error) => problem.set(Some((t.name_not_removed)(&name, error.text()))),
                    }
                    removing.set(false);
                });
            };
            let label = (t.remove)(&row.name);
            view! {
                <tr hidden=move || hidden.with(|h| h.contains(&id))>
                    <td data-label=t.name>{row.name.clone()}</td>
                    <td data-label=t.addresses class="mono">
                        {row.ranges.iter().map(|r| view! { <span class="range">{r.clone()}</span> " " }).collect_view()}
                    </td>
                    <td data-label=t.added><LocalTime at=row.added /></td>
                    <td data-label=t.by>{row.by.clone()}</td>
                    <td class="actions">
                        <form method="post" action=RemoveOfficeNetwork::PATH on:submit=remove>
                            <input type="hidden" name="id" value=id.to_string() />
                            <button type="submit" class="danger-inline" disabled=move || removing.get()
                                aria-busy=move || removing.get().then_some("true")>
                                {label}
                            </button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    Either::Right(view! {
        <p class="form-error" role="alert">{move || problem.get()}</p>
        <div class="table-wrap">
            <table class="grid stack">
                <caption class="visually-hidden">{t.heading}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t.name}</th>
                        <th scope="col">{t.addresses}</th>
                        <th scope="col">{t.added}</th>
                        <th scope="col">{t.by}</th>
                        <th scope="col"><span class="visually-hidden">{t.remove_column}</span></th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    })
}

#[component]
fn AddOffice(add: ServerAction<AddOfficeNetwork>, posted: Option<form_post::PostedAnswer>) -> impl IntoView {
    let t = &crate::i18n::t().system.offices;
    let pending = add.pending();
    let refusal = move |field: OfficeField| match add.value().get() {
        Some(Ok(AddOutcome::Refused { field: f, message })) if f == field => Some(message),
        _ => None,
    };
    let fault = move || match add.value().get() {
        Some(Err(error)) => Some(error.text().to_string()),
        _ => None,
    };
    let added = move || match add.value().get() {
        Some(Ok(AddOutcome::Added { name })) => Some((t.added_note)(&name)),
        _ => None,
    };
    // After a refused plain post, the form shows again what was typed.
    let typed = |name: &str| {
        posted
            .as_ref()
            .and_then(|answer| answer.field(name))
            .unwrap_or_default()
            .to_string()
    };
    let (typed_name, typed_addresses) = (typed("name"), typed("addresses"));
    // An empty form after each addition (not after a refusal: what was typed stays). The
    // form is reset, not drawn again: a redraw keeps the typed text (it updates in place).
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if matches!(add.value().get(), Some(Ok(AddOutcome::Added { .. })))
            && let Some(form) = form.get_untracked()
        {
            form.reset();
        }
    });
    let name_error = move || refusal(OfficeField::Name);
    let addresses_error = move || refusal(OfficeField::Addresses);
    view! {
        <h3>{t.add_heading}</h3>
        <ActionForm action=add node_ref=form>
            <div class="field">
                <label for="office-name">{t.name}</label>
                <input id="office-name" name="name" type="text" maxlength="80" required value=typed_name
                    aria-describedby="office-name-error"
                    aria-invalid=move || name_error().is_some().then_some("true") />
                <p id="office-name-error" class="field-error">{name_error}</p>
            </div>
            <div class="field">
                <label for="office-addresses">{t.addresses}</label>
                <textarea id="office-addresses" name="addresses" rows="3" required
                    aria-describedby="office-addresses-hint office-addresses-error"
                    aria-invalid=move || addresses_error().is_some().then_some("true")>
                    {typed_addresses}
                </textarea>
                <p id="office-addresses-hint" class="hint">{t.addresses_hint}</p>
                <p id="office-addresses-error" class="field-error">{addresses_error}</p>
            </div>
            <SubmitButton label=t.add_button pending />
        </ActionForm>
        <p class="status-line" role="status">{added}</p>
        <p class="form-error" role="alert">{fault}</p>
    }
}

/// **Check an address**: a `GET` form; the answer comes from the server's decision.
#[component]
pub fn CheckAddress(changes: ReadSignal<u64>, keep: &'static [&'static str]) -> impl IntoView {
    let t = &crate::i18n::t().system.offices;
    let query = use_query_map();
    let asked = Memo::new(move |_| query.read().get("check").unwrap_or_default());
    let answer = Resource::new(
        move || (asked.get(), changes.get()),
        |(address, _)| async move {
            if address.trim().is_empty() {
                Ok(None)
            } else {
                check_address(address).await.map(Some)
            }
        },
    );
    view! {
        <section class="panel" aria-labelledby="check-heading">
            <h2 id="check-heading">{t.check_heading}</h2>
            <Form method="GET" action="" attr:class="filters">
                {move || kept_fields(&query.read(), keep)}
                <div class="field">
                    <label for="check-address">{t.check_heading}</label>
                    <input id="check-address" type="text" name="check" maxlength="100" inputmode="text"
                        autocomplete="off" aria-describedby="check-address-answer"
                        value=asked.get_untracked() prop:value=move || asked.get() />
                </div>
                <button type="submit" class="secondary">{t.check_button}</button>
            </Form>
            <div id="check-address-answer" role="status" class="check-answer">
                <Transition fallback=Loading>
                    {move || Suspend::new(async move {
                        match answer.await {
                            Ok(Some(check)) => Either::Left(view! { <CheckAnswer check /> }),
                            Ok(None) => Either::Right(Either::Left(())),
                            Err(error) => Either::Right(Either::Right(view! { <ErrorLine text=error.text().to_string() /> })),
                        }
                    })}
                </Transition>
            </div>
        </section>
    }
}

#[component]
fn CheckAnswer(check: AddressCheck) -> impl IntoView {
    let t = &crate::i18n::t().system.offices;
    let AddressCheck::Checked {
        address,
        two_step_on,
        proxy,
        office,
        still_asked,
        entries,
    } = check
    else {
        let AddressCheck::Refused { message } = check else {
            unreachable!()
        };
        return Either::Left(view! { <p class="field-error">{message}</p> });
    };
    let mut lines: Vec<AnyView> = Vec::new();
    if !two_step_on {
        lines.push(view! { <li>{t.check_two_step_off}</li> }.into_any());
    }
    if proxy {
        lines.push(view! { <li>{t.check_proxy}</li> }.into_any());
    }
    if let Some(name) = office {
        let asked = if still_asked.is_empty() {
            String::new()
        } else {
            (t.check_still_asked)(&still_asked.join(", "))
        };
        lines.push(
            view! {
                <li>{t.check_office_start} <strong>{name}</strong> {t.check_office_end} {asked}</li>
            }
            .into_any(),
        );
    }
    for entry in entries {
        lines.push(
            view! {
                <li>
                    {(!t.entry_start.is_empty()).then_some(t.entry_start)}
                    <strong>{entry.name}</strong> {t.entry_after_name}
                    <span class="mono">{entry.network}</span>
                    {t.entry_after_network} <LocalTime at=entry.until /> {t.entry_end}
                </li>
            }
            .into_any(),
        );
    }
    if lines.is_empty() {
        lines.push(view! { <li>{t.check_nothing}</li> }.into_any());
    }
    Either::Right(view! {
        <p>{t.check_from_start} <span class="mono">{address}</span> {t.check_from_end}</p>
        <ul class="check-lines">{lines}</ul>
    })
}
