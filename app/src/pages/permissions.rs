//! System › Permissions (spec §1): one row per active person, one checkbox per
//! permission, each change saved at once with its result shown on the row.

use crate::pages::widgets::{ErrorLine, Loading};
use crate::permissions::Permission;
use crate::permissions::{ChangeOutcome, GridRow, permission_grid, set_permission};
use leptos::either::Either;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;

#[component]
pub fn PermissionsPage() -> impl IntoView {
    let grid = Resource::new(|| (), |_| permission_grid());
    view! {
        <Title text="Permissions" />
        <h1>"Permissions"</h1>
        <p class="lead">"A change is saved as soon as you tick or clear a box."</p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match grid.await {
                    Ok(rows) => Either::Left(view! {
                        <div class="table-wrap">
                            <table class="grid">
                                <caption class="visually-hidden">"Permissions per person"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Name"</th>
                                        <th scope="col">"Username"</th>
                                        {Permission::ALL.map(|p| view! { <th scope="col">{p.label()}</th> })}
                                        <th scope="col"><span class="visually-hidden">"Result"</span></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {rows.into_iter().map(|row| view! { <GridLine row /> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }),
                    Err(error) => Either::Right(view! { <ErrorLine text=error.to_string() /> }),
                }
            })}
        </Transition>
    }
}

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
    let cells = Permission::ALL.map(|permission| {
        let checked = RwSignal::new(row.permissions.contains(&permission));
        let label = format!("{} for {}", permission.label(), row.username);
        let user_id = row.id;
        let on_change = move |ev| {
            let granted = event_target_checked(&ev);
            checked.set(granted);
            status.set(RowStatus::Saving);
            spawn_local(async move {
                match set_permission(user_id, permission, granted).await {
                    Ok(ChangeOutcome::Saved) => {
                        status.set(RowStatus::Saved(if granted { "Granted." } else { "Removed." }))
                    }
                    Ok(ChangeOutcome::Refused { message }) => {
                        checked.set(!granted);
                        status.set(RowStatus::Refused(message));
                    }
                    Err(error) => {
                        checked.set(!granted);
                        status.set(RowStatus::Refused(error.to_string()));
                    }
                }
            });
        };
        view! {
            <td class="check">
                <input
                    type="checkbox"
                    aria-label=label
                    prop:checked=move || checked.get()
                    disabled=move || status.get() == RowStatus::Saving
                    on:change=on_change
                />
            </td>
        }
    });
    view! {
        <tr aria-busy=move || (status.get() == RowStatus::Saving).then_some("true")>
            <td>{row.name}</td>
            <td>{row.username.clone()}</td>
            {cells}
            <td class="row-status" role="status">
                {move || match status.get() {
                    RowStatus::Idle => Either::Left(""),
                    RowStatus::Saving => Either::Left("Saving…"),
                    RowStatus::Saved(text) => Either::Left(text),
                    RowStatus::Refused(message) => Either::Right(view! { <span class="form-error">{message}</span> }),
                }}
            </td>
        </tr>
    }
}
