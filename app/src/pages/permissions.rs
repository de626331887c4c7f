//! System › Permissions (spec §1): one row per active person, one checkbox per
//! permission, each change saved at once with its result shown on the row.
//!
//! A box saves through the page's code, so until that code runs the boxes are shown
//! disabled and the grid busy: a tick is never shown and then silently lost.

use crate::pages::layout::RequirePermission;
use crate::pages::widgets::{ErrorLine, Loading};
use crate::permissions::Permission;
use crate::permissions::{ChangeOutcome, GridRow, permission_grid, set_permission};
use leptos::either::Either;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

#[component]
pub fn PermissionsPage() -> impl IntoView {
    let t = &crate::i18n::t().system.permissions;
    view! {
        <Title text=t.title />
        <RequirePermission permission=Permission::Permissions>
            <PermissionsContent />
        </RequirePermission>
    }
}

#[component]
fn PermissionsContent() -> impl IntoView {
    let grid = Resource::new(|| (), |_| permission_grid());
    // False until this page's code runs in the browser (never on the server).
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    provide_context(Ready(ready));
    let system = crate::i18n::t().system;
    let t = &system.permissions;
    view! {
        <h1>{t.title}</h1>
        <p class="lead">{t.lead}</p>
        <noscript><p class="warning">{t.needs_script}</p></noscript>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match grid.await {
                    Ok(rows) => Either::Left(view! {
                        <div class="table-wrap" aria-busy=move || (!ready.get()).then_some("true")>
                            <table class="grid cards">
                                <caption class="visually-hidden">{t.caption}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{system.personnel.name}</th>
                                        <th scope="col">{system.personnel.username}</th>
                                        {Permission::ALL.map(|p| view! { <th scope="col">{p.name(system)}</th> })}
                                        <th scope="col"><span class="visually-hidden">{t.result}</span></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {rows.into_iter().map(|row| view! { <GridLine row /> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }),
                    Err(error) => Either::Right(view! { <ErrorLine text=error.text().to_string() /> }),
                }
            })}
        </Transition>
    }
}

/// Whether the boxes can save yet.
#[derive(Clone, Copy)]
struct Ready(RwSignal<bool>);

/// The row's latest result: saved, or why not.
#[derive(Clone, PartialEq)]
enum RowStatus {
    Idle,
    Saving,
    Saved(&'static str),
    Refused(String),
}

#[component]
fn GridLine(row: GridRow) -> impl IntoView {
    let status = RwSignal::new(RowStatus::Idle);
    let Ready(ready) = expect_context::<Ready>();
    let system = crate::i18n::t().system;
    let t = &system.permissions;
    let cells = Permission::ALL.map(|permission| {
        let held = row.permissions.contains(&permission);
        let checked = RwSignal::new(held);
        let label = (t.for_person)(permission.name(system), &row.username);
        let user_id = row.id;
        let on_change = move |ev| {
            let granted = event_target_checked(&ev);
            checked.set(granted);
            status.set(RowStatus::Saving);
            spawn_local(async move {
                match set_permission(user_id, permission, granted).await {
                    Ok(ChangeOutcome::Saved) => {
                        status.set(RowStatus::Saved(if granted { t.granted } else { t.removed }))
                    }
                    Ok(ChangeOutcome::Refused { message }) => {
                        checked.set(!granted);
                        status.set(RowStatus::Refused(message));
                    }
                    Err(error) => {
                        checked.set(!granted);
                        status.set(RowStatus::Refused(error.text().to_string()));
                    }
                }
            });
        };
        view! {
            <td class="check" data-label=permission.name(system)>
                <input
                    type="checkbox"
                    aria-label=label
                    // The attribute for the server's page, the property once live.
                    checked=held
                    prop:checked=move || checked.get()
                    disabled=move || !ready.get() || status.get() == RowStatus::Saving
                    on:change=on_change
                />
            </td>
        }
    });
    view! {
        <tr aria-busy=move || (status.get() == RowStatus::Saving).then_some("true")>
            <td class="card-title">{row.name}</td>
            <td data-label=system.personnel.username>{row.username.clone()}</td>
            {cells}
            <td class="row-status" role="status">
                {move || match status.get() {
                    RowStatus::Idle => Either::Left(""),
                    RowStatus::Saving => Either::Left(t.saving),
                    RowStatus::Saved(text) => Either::Left(text),
                    RowStatus::Refused(message) => Either::Right(view! { <span class="form-error">{message}</span> }),
                }}
            </td>
        </tr>
    }
}
