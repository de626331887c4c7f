//! Office networks (spec §1 "Office networks", §2 "Office networks"): ranges a Security
//! holder names once, from which the code is skipped for everyone but administrators.
//! The rows and answers both sides share, and the server functions of System › Security;
//! `rules` checks what may be added, `store` keeps them, and the decision itself is
//! `auth::code_skip` (shared with the sign-in).

#[cfg(feature = "ssr")]
pub mod rules;
#[cfg(feature = "ssr")]
pub mod store;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One office network as the Security page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeRow {
    pub id: i64,
    pub name: String,
    pub ranges: Vec<String>,
    pub added: i64,
    pub by: String,
}

/// The field a refusal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OfficeField {
    Name,
    Addresses,
}

/// The answer to **Add office network**.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AddOutcome {
    Added { name: String },
    Refused { field: OfficeField, message: String },
}

/// A person's entry that would skip the code from the checked address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryThere {
    pub name: String,
    pub network: String,
    pub until: i64,
}

/// The answer to **Check an address**: what a sign-in from it would do, and for whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AddressCheck {
    /// Not an address.
    Refused { message: String },
    Checked {
        /// The address as the server reads it (IPv4-mapped addresses as IPv4).
        address: String,
        two_step_on: bool,
        /// A trusted proxy's network: nothing is skipped from it.
        proxy: bool,
        /// The office network that skips the code for everyone but `still_asked`.
        office: Option<String>,
        /// The administrators, who are asked for a code from an office all the same.
        still_asked: Vec<String>,
        /// People whose own trusted entry skips the code.
        entries: Vec<EntryThere>,
    },
}

#[cfg(feature = "ssr")]
fn row(office: store::Office) -> OfficeRow {
    OfficeRow {
        id: office.id,
        ranges: office.ranges.iter().map(|r| r.to_string()).collect(),
        name: office.name,
        added: office.created_at,
        by: office.created_by,
    }
}

/// Every office network, by name.
#[server(prefix = "/api", endpoint = "office_networks")]
pub async fn office_networks() -> Result<Vec<OfficeRow>, AppError> {
    use crate::permissions::Permission;
    use crate::request::context::SignedIn;
    let SignedIn { state, .. } = SignedIn::holding(Permission::Security).await?;
    Ok(store::list(&state.db).await?.into_iter().map(row).collect())
}

#[server(prefix = "/api", endpoint = "add_office_network")]
pub async fn add_office_network(name: String, addresses: String) -> Result<AddOutcome, AppError> {
    use crate::permissions::Permission;
    use crate::request::context::SignedIn;
    use crate::sign_in_details::By;
    let cx = SignedIn::holding(Permission::Security).await?;
    let state = &cx.state;
    let by = By::Person {
        user: &cx.user,
        client_ip: cx.client_ip,
    };
    let outcome = store::add(
        &state.db,
        &state.policy.trusted_proxies,
        by,
        &name,
        &addresses,
        state.clock.now(),
    )
    .await?;
    if let AddOutcome::Added { .. } = outcome {
        state.offices_changed();
    }
    // A refusal shows the form again as typed (bounded: a cookie carries it).
    let typed = match &outcome {
        AddOutcome::Refused { .. } => vec![
            ("name".to_string(), name.chars().take(200).collect()),
            ("addresses".to_string(), addresses.chars().take(2000).collect()),
        ],
        AddOutcome::Added { .. } => Vec::new(),
    };
    crate::form_post::answer::<AddOfficeNetwork>(&outcome, typed, None).await?;
    Ok(outcome)
}

#[server(prefix = "/api", endpoint = "remove_office_network")]
pub async fn remove_office_network(id: i64) -> Result<(), AppError> {
    use crate::permissions::Permission;
    use crate::request::context::SignedIn;
    use crate::sign_in_details::By;
    let cx = SignedIn::holding(Permission::Security).await?;
    let by = By::Person {
        user: &cx.user,
        client_ip: cx.client_ip,
    };
    match store::remove(&cx.state.db, by, id, cx.state.clock.now()).await? {
        Some(_) => {
            cx.state.offices_changed();
            Ok(())
        }
        None => Err(AppError::NotFound.with_status()),
    }
}

/// What a sign-in from `address` would do, and for whom: the sign-in's own decision.
#[server(prefix = "/api", endpoint = "check_address")]
pub async fn check_address(address: String) -> Result<AddressCheck, AppError> {
    use crate::permissions::Permission;
    use crate::request::context::SignedIn;
    let SignedIn { state, .. } = SignedIn::holding(Permission::Security).await?;
    Ok(answer_check(&state, &address).await?)
}

/// [`check_address`]'s answer, for any door (the command line too).
#[cfg(feature = "ssr")]
pub async fn answer_check(state: &crate::state::AppState, typed: &str) -> Result<AddressCheck, sqlx::Error> {
    use crate::auth::code_skip;
    let typed = typed.trim();
    let Ok(ip) = typed.parse::<std::net::IpAddr>() else {
        return Ok(AddressCheck::Refused {
            message: crate::i18n::system_texts::server().offices.not_an_address.into(),
        });
    };
    let now = state.clock.now();
    let checked = code_skip::check(state, ip, now).await?;
    let facts = &checked.facts;
    let office = facts
        .office
        .as_ref()
        .filter(|_| !facts.proxy)
        .map(|office| office.name.clone());
    let still_asked = match office {
        Some(_) => checked
            .administrators
            .iter()
            // An administrator's own entry skips the code for them: not "still asked".
            .filter(|(id, _)| checked.for_person(*id).is_none())
            .map(|(_, name)| name.clone())
            .collect(),
        None => Vec::new(),
    };
    let entries = if facts.proxy {
        Vec::new()
    } else {
        checked
            .entries
            .iter()
            .map(|entry| EntryThere {
                name: entry.name.clone(),
                network: crate::trusted_networks::store::display(&entry.network),
                until: entry.expires_at,
            })
            .collect()
    };
    Ok(AddressCheck::Checked {
        address: crate::request::client_addr::canonical(ip).to_string(),
        two_step_on: crate::settings::two_step_enabled(&state.db).await?,
        proxy: facts.proxy,
        office,
        still_asked,
        entries,
    })
}
