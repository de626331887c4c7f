//! Maintenance › Organisation › Personnel: the staff list and its editor.

// `save_person` takes the editor's fields as its arguments, so the form posts to it as it
// is; the `#[server]` macro does not carry an item-level allow to the browser's stub.
#![allow(clippy::too_many_arguments)]

#[cfg(feature = "ssr")]
pub mod people;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod validate;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// People per page of the list.
pub const PAGE_SIZE: i64 = 50;

/// Why each field was refused; `None` where the field is fine.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors {
    pub name: Option<String>,
    pub username: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub password: Option<String>,
}

impl FieldErrors {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// One line of the list. Numbers are formatted for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub username: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub active: bool,
}

/// A person as the editor shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditedPerson {
    pub person: PersonRow,
    /// Whether the viewer may change Email, Mobile, Password and Active: only someone
    /// holding every permission this person holds (spec §1 "managing others").
    pub may_change_sign_in: bool,
    /// Whether the viewer is this person: their own two-step methods are managed in My
    /// account (where removing the app asks for the password), not here.
    pub is_viewer: bool,
}

/// Why those fields are read-only for a viewer who does not hold all of `name`'s
/// permissions, in the page's (or the request's) language.
pub fn sign_in_details_locked(name: &str) -> String {
    (crate::i18n::t().system.personnel.sign_in_locked)(name)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeoplePage {
    pub rows: Vec<PersonRow>,
    pub total: i64,
    pub offset: i64,
}

/// The answer to Save. Refusals are outcomes shown next to the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaveOutcome {
    Saved { id: i64 },
    Invalid(FieldErrors),
    Refused { message: String },
}

/// People sorted by name, filtered by `search` (name, username or email), one page.
#[server(prefix = "/api", endpoint = "people")]
pub async fn list_people(search: String, offset: i64) -> Result<PeoplePage, AppError> {
    use crate::permissions::Permission;
    use crate::request::context::SignedIn;
    let SignedIn { state, .. } = SignedIn::holding(Permission::Personnel).await?;
    let search: String = search.trim().chars().take(100).collect();
    Ok(store::list(&state.db, &search, crate::limits::list_offset(offset), PAGE_SIZE).await?)
}

/// One person, for the editor.
#[server(prefix = "/api", endpoint = "person")]
pub async fn get_person(id: i64) -> Result<EditedPerson, AppError> {
    use crate::permissions::Permission;
    use crate::request::context::SignedIn;
    let SignedIn {
        state, user: actor, ..
    } = SignedIn::holding(Permission::Personnel).await?;
    let person = store::row(&state.db, id)
        .await?
        .ok_or_else(|| AppError::NotFound.with_status())?;
    let held = crate::personnel::people::permissions_of(&state.db, id).await?;
    Ok(EditedPerson {
        may_change_sign_in: crate::permissions::may_manage(&actor, id, &held),
        is_viewer: actor.id == id,
        person,
    })
}

/// Creates (`id` empty) or changes a person. `active` is the checkbox: present when ticked.
#[server(prefix = "/api", endpoint = "save_person")]
pub async fn save_person(
    id: Option<i64>,
    name: String,
    username: String,
    email: String,
    phone: String,
    mobile: String,
    password: String,
    active: Option<String>,
) -> Result<SaveOutcome, AppError> {
    use crate::permissions::Permission;
    use crate::request::context::SignedIn;
    let cx = SignedIn::holding(Permission::Personnel).await?;
    // What was typed goes back to a form the browser posted itself (never the password).
    let typed = vec![
        ("id".to_string(), id.map(|id| id.to_string()).unwrap_or_default()),
        ("name".to_string(), name.clone()),
        ("username".to_string(), username.clone()),
        ("email".to_string(), email.clone()),
        ("phone".to_string(), phone.clone()),
        ("mobile".to_string(), mobile.clone()),
        ("active".to_string(), active.is_some().to_string()),
    ];
    let submitted = validate::Submitted {
        name,
        username,
        email,
        phone,
        mobile,
        password,
    };
    let outcome = match validate::person(&submitted, id.is_none(), cx.state.policy.default_region) {
        Ok(valid) => {
            let change = store::Change {
                id,
                person: valid,
                active: active.is_some(),
            };
            store::save(&cx.state, &cx.user, change, cx.client_ip)
                .await
                .map_err(AppError::with_status)?
        }
        Err(errors) => SaveOutcome::Invalid(*errors),
    };
    // Saved: back to the list the editor was opened from, editor closed.
    let list = crate::form_post::referer_without(&["edit"]);
    let then_go_to = matches!(outcome, SaveOutcome::Saved { .. }).then_some(list.as_str());
    crate::form_post::answer::<SavePerson>(&outcome, typed, then_go_to).await?;
    Ok(outcome)
}
