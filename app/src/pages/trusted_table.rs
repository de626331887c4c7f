//! The trusted IP address table of System › Security and My account: one row per
//! entry, each with a red delete button named `Delete <network>`. A delete hides the row
//! at once and brings it back, with the reason, if the server refuses.

use crate::error::AppError;
use crate::time_text::{exact, relative};
use crate::trusted_networks::TrustedRow;
use leptos::prelude::*;
use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;

/// Deletes one entry on the server: the Security page's or My account's function.
pub type DeleteFn = fn(i64) -> Pin<Box<dyn Future<Output = Result<(), AppError>>>>;

#[component]
pub fn TrustedTable(
    rows: Vec<TrustedRow>,
    now: i64,
    /// Whether the Person column is shown (not on one's own account).
    show_person: bool,
    delete: DeleteFn,
    caption: &'static str,
) -> impl IntoView {
    let hidden = RwSignal::new(HashSet::<i64>::new());
    let problem = RwSignal::new(None::<String>);
    if rows.is_empty() {
        return view! { <p class="empty">"No trusted IP addresses."</p> }.into_any();
    }
    let when = move |at: i64| {
        view! { <time datetime=at.to_string() title=exact(at)>{relative(at, now)}</time> }
    };
    let body = rows
        .into_iter()
        .map(|row| {
            let id = row.id;
            let network = row.network.clone();
            let remove = move |_| {
                hidden.update(|h| {
                    h.insert(id);
                });
                problem.set(None);
                let network = network.clone();
                leptos::task::spawn_local(async move {
                    if let Err(error) = delete(id).await {
                        hidden.update(|h| {
                            h.remove(&id);
                        });
                        problem.set(Some(format!("{network} was not deleted: {error}")));
                    }
                });
            };
            view! {
                <tr hidden=move || hidden.with(|h| h.contains(&id))>
                    <td class="mono">{row.network.clone()}</td>
                    {show_person.then(|| view! { <td>{row.name.clone()} " " <span class="muted">"(" {row.username.clone()} ")"</span></td> })}
                    <td>{when(row.added)}</td>
                    <td>{match row.last_used { Some(at) => when(at).into_any(), None => "never".into_any() }}</td>
                    <td>{when(row.expires)}</td>
                    <td class="actions">
                        <button type="button" class="danger-icon" aria-label=format!("Delete {}", row.network) title=format!("Delete {}", row.network) on:click=remove>
                            <svg aria-hidden="true" viewBox="0 0 24 24" width="18" height="18">
                                <path fill="currentColor" d="M9 3h6l1 2h4v2H4V5h4l1-2zm-3 6h12l-1 12H7L6 9zm4 2v8h2v-8h-2zm4 0v8h2v-8h-2z" />
                            </svg>
                        </button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="form-error" role="alert">{move || problem.get()}</p>
        <div class="table-wrap">
            <table class="grid">
                <caption class="visually-hidden">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"IP address"</th>
                        {show_person.then(|| view! { <th scope="col">"Person"</th> })}
                        <th scope="col">"Added"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col">"Expires"</th>
                        <th scope="col"><span class="visually-hidden">"Delete"</span></th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
    .into_any()
}
