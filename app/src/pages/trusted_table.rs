//! The trusted IP address table of System › Security and My account: one row per
//! entry, each with a red delete button named `Delete <network>`.
//!
//! Each delete button is a form posting to its server function, so it works before the
//! page's code has loaded (the server deletes and sends the browser back to the page).
//! Once the code runs, a delete marks its button busy and removes the row as soon as
//! the server has deleted it, or says why not.

use crate::error::AppError;
use crate::pages::local_time::LocalTime;
use crate::trusted_networks::{
    DeleteMyTrusted, DeleteTrusted, TrustedRow, delete_my_trusted, delete_trusted,
};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use std::collections::HashSet;

/// Whose entries the table deletes: anyone's (Security) or one's own (My account).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteTarget {
    AnyEntry,
    MyEntry,
}

impl DeleteTarget {
    fn url(self) -> &'static str {
        match self {
            DeleteTarget::AnyEntry => DeleteTrusted::PATH,
            DeleteTarget::MyEntry => DeleteMyTrusted::PATH,
        }
    }

    async fn delete(self, id: i64) -> Result<(), AppError> {
        match self {
            DeleteTarget::AnyEntry => delete_trusted(id).await,
            DeleteTarget::MyEntry => delete_my_trusted(id).await,
        }
    }

    /// The refusal of a delete the browser posted itself (the server put it in the
    /// address it sent the browser back to).
    fn posted_refusal(self, t: &crate::i18n::account_texts::TrustedTexts) -> Option<String> {
        let refusal = match self {
            DeleteTarget::AnyEntry => ServerAction::<DeleteTrusted>::new().value().get_untracked(),
            DeleteTarget::MyEntry => ServerAction::<DeleteMyTrusted>::new().value().get_untracked(),
        };
        match refusal {
            Some(Err(error)) => Some((t.not_deleted)(error.text())),
            _ => None,
        }
    }
}

#[component]
pub fn TrustedTable(
    rows: Vec<TrustedRow>,
    now: i64,
    /// Whether the Person column is shown (not on one's own account).
    show_person: bool,
    delete: DeleteTarget,
    caption: &'static str,
) -> impl IntoView {
    let t = &crate::i18n::t().account.trusted;
    let hidden = RwSignal::new(HashSet::<i64>::new());
    let problem = RwSignal::new(delete.posted_refusal(t));
    if rows.is_empty() {
        return view! {
            {move || problem.get().map(|text| view! { <p class="form-error" role="alert">{text}</p> })}
            <p class="empty">{t.none}</p>
        }
        .into_any();
    }
    let body = rows
        .into_iter()
        .map(|row| {
            let id = row.id;
            let network = row.network.clone();
            let delete_label = (t.delete_entry)(&row.network);
            // The row goes once the server has deleted it (milliseconds), not before: a
            // row hidden at the click could mislead someone who leaves the page at once
            // into thinking a delete happened that their leaving cut off.
            let deleting = RwSignal::new(false);
            let remove = move |event: leptos::ev::SubmitEvent| {
                event.prevent_default();
                deleting.set(true);
                problem.set(None);
                let network = network.clone();
                leptos::task::spawn_local(async move {
                    match delete.delete(id).await {
                        Ok(()) => hidden.update(|h| {
                            h.insert(id);
                        }),
                        Err(error) => problem.set(Some((t.network_not_deleted)(&network, error.text()))),
                    }
                    deleting.set(false);
                });
            };
            view! {
                <tr hidden=move || hidden.with(|h| h.contains(&id))>
                    <td data-label=t.address class="mono">{row.network.clone()}</td>
                    {show_person.then(|| view! {
                        <td data-label=t.person>{row.name.clone()} " " <span class="muted">"(" {row.username.clone()} ")"</span></td>
                    })}
                    <td data-label=t.added><LocalTime at=row.added relative_to=Some(now) /></td>
                    <td data-label=t.last_used>{match row.last_used {
                        Some(at) => view! { <LocalTime at relative_to=Some(now) /> }.into_any(),
                        None => t.never.into_any(),
                    }}</td>
                    <td data-label=t.expires><LocalTime at=row.expires relative_to=Some(now) /></td>
                    <td class="actions">
                        <form method="post" action=delete.url() on:submit=remove>
                            <input type="hidden" name="id" value=id.to_string() />
                            <button type="submit" class="danger-icon" aria-label=delete_label.clone() title=delete_label
                                disabled=move || deleting.get() aria-busy=move || deleting.get().then_some("true")>
                                <svg aria-hidden="true" viewBox="0 0 24 24" width="18" height="18">
                                    <path fill="currentColor" d="M9 3h6l1 2h4v2H4V5h4l1-2zm-3 6h12l-1 12H7L6 9zm4 2v8h2v-8h-2zm4 0v8h2v-8h-2z" />
                                </svg>
                            </button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="form-error" role="alert">{move || problem.get()}</p>
        <div class="table-wrap">
            <table class="grid stack">
                <caption class="visually-hidden">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t.address}</th>
                        {show_person.then(|| view! { <th scope="col">{t.person}</th> })}
                        <th scope="col">{t.added}</th>
                        <th scope="col">{t.last_used}</th>
                        <th scope="col">{t.expires}</th>
                        <th scope="col"><span class="visually-hidden">{t.delete}</span></th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
    .into_any()
}
