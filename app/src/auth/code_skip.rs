//! Whether a right password from an address skips the code, and why (spec §2 "Trusted
//! networks", "Office networks"). One decision, [`decide`], answers both the sign-in and
//! the Security page's **Check an address**, so what the page says is what a sign-in does.
//!
//! In order: nothing is skipped from a trusted proxy's network (every client behind a
//! misconfigured proxy looks like it); a person's own trusted entry skips the code; an
//! office network skips it for people who hold neither Security nor Permissions
//! (administrators always give a second step). The password is always asked.

use super::NoCodeReason;
use crate::audit::{self, Event, EventKind};
use crate::clock::UnixSeconds;
use crate::office_networks::store::{self as offices, Office};
use crate::permissions::Permission;
use crate::state::AppState;
use crate::trusted_networks::store::{self as trust, InForce};
use std::net::IpAddr;

/// What holds for everyone signing in from one address.
#[derive(Debug, Clone)]
pub struct AddressFacts {
    /// The address's network overlaps a trusted proxy.
    pub proxy: bool,
    /// The office network it is in (the first by name).
    pub office: Option<Office>,
}

/// Why the code is skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// The person's own trusted entry.
    Entry(InForce),
    /// An office network, by name.
    Office(String),
}

/// Whoever holds one of these always gives a second step, even from an office.
pub fn always_asked(holds: &[Permission]) -> bool {
    holds.contains(&Permission::Security) || holds.contains(&Permission::Permissions)
}

/// The decision, from what is known of the address and of one person.
pub fn decide(facts: &AddressFacts, entry: Option<&InForce>, administrator: bool) -> Option<Skip> {
    if facts.proxy {
        return None;
    }
    if let Some(entry) = entry {
        return Some(Skip::Entry(entry.clone()));
    }
    match &facts.office {
        Some(office) if !administrator => Some(Skip::Office(office.name.clone())),
        _ => None,
    }
}

pub async fn address_facts(state: &AppState, client_ip: IpAddr) -> Result<AddressFacts, sqlx::Error> {
    Ok(AddressFacts {
        // The one rule for proxies' networks, also behind Trust this IP.
        proxy: !super::code_step::may_trust(state, client_ip),
        office: offices::office_of(&state.db, client_ip).await?,
    })
}

/// The decision for `user_id` signing in from `client_ip` now (reads only).
pub async fn for_person(
    state: &AppState,
    user_id: i64,
    client_ip: IpAddr,
    now: UnixSeconds,
) -> Result<Option<Skip>, sqlx::Error> {
    let facts = address_facts(state, client_ip).await?;
    let entry = trust::in_force(&state.db, Some(user_id), client_ip, now).await?;
    let holds = crate::personnel::people::permissions_of(&state.db, user_id).await?;
    Ok(decide(&facts, entry.first(), always_asked(&holds)))
}

/// The decision for a sign-in, carried out: the entry's use recorded, the skip audited
/// with its reason. `None`: the code is asked (also when the entry went meanwhile).
pub async fn at_sign_in(
    state: &AppState,
    user_id: i64,
    client_ip: IpAddr,
    now: UnixSeconds,
) -> Result<Option<NoCodeReason>, sqlx::Error> {
    let (event, reason) = match for_person(state, user_id, client_ip, now).await? {
        None => return Ok(None),
        Some(Skip::Entry(entry)) => {
            if trust::honour(&state.db, user_id, client_ip, now).await?.is_none() {
                return Ok(None);
            }
            let network = trust::display(&entry.network);
            let detail = format!("trusted entry {network}");
            let reason = NoCodeReason::TrustedEntry {
                network,
                until: entry.expires_at,
            };
            (
                Event::own(EventKind::NetworkUsed, user_id, client_ip, detail),
                reason,
            )
        }
        Some(Skip::Office(name)) => {
            let event = Event::own(EventKind::OfficeNetworkUsed, user_id, client_ip, name.clone());
            (event, NoCodeReason::Office { name })
        }
    };
    audit::record(&state.db, now, event).await?;
    Ok(Some(reason))
}

/// What **Check an address** finds: the facts of the address, every active person's
/// entry in force there, and who always gives a second step. [`Checked::for_person`] is
/// the sign-in's decision for any one person.
#[derive(Debug, Clone)]
pub struct Checked {
    pub facts: AddressFacts,
    pub entries: Vec<InForce>,
    /// Active people holding Security or Permissions: (id, name).
    pub administrators: Vec<(i64, String)>,
}

impl Checked {
    pub fn for_person(&self, user_id: i64) -> Option<Skip> {
        let entry = self.entries.iter().find(|entry| entry.user_id == user_id);
        let administrator = self.administrators.iter().any(|(id, _)| *id == user_id);
        decide(&self.facts, entry, administrator)
    }
}

pub async fn check(state: &AppState, client_ip: IpAddr, now: UnixSeconds) -> Result<Checked, sqlx::Error> {
    let facts = address_facts(state, client_ip).await?;
    let entries = trust::in_force(&state.db, None, client_ip, now).await?;
    let administrators: Vec<(i64, String)> = crate::db::on_db!(&state.db, |pool| {
        sqlx::query_as(
            "SELECT DISTINCT u.id, u.name FROM users u JOIN user_permissions p ON p.user_id = u.id
             WHERE u.active = TRUE AND p.permission IN ($1, $2) ORDER BY u.name, u.id",
        )
        .bind(Permission::Security.as_str())
        .bind(Permission::Permissions.as_str())
        .fetch_all(pool)
        .await
    })?;
    Ok(Checked {
        facts,
        entries,
        administrators,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn office(name: &str) -> Office {
        Office {
            id: 1,
            name: name.into(),
            ranges: vec!["10.1.0.0/16".parse().unwrap()],
            created_at: 0,
            created_by: "admin".into(),
        }
    }

    fn entry() -> InForce {
        InForce {
            id: 7,
            user_id: 2,
            name: "Jane".into(),
            network: "10.1.2.3/32".into(),
            expires_at: 99,
        }
    }

    #[test]
    fn the_order_of_the_rules() {
        let in_office = AddressFacts {
            proxy: false,
            office: Some(office("Brussels HQ")),
        };
        assert_eq!(
            decide(&in_office, None, false),
            Some(Skip::Office("Brussels HQ".into()))
        );
        assert_eq!(
            decide(&in_office, None, true),
            None,
            "administrators give a second step"
        );
        assert_eq!(
            decide(&in_office, Some(&entry()), true),
            Some(Skip::Entry(entry())),
            "their own entry counts"
        );
        let proxy = AddressFacts {
            proxy: true,
            office: Some(office("Brussels HQ")),
        };
        assert_eq!(
            decide(&proxy, Some(&entry()), false),
            None,
            "never from a proxy's network"
        );
        let elsewhere = AddressFacts {
            proxy: false,
            office: None,
        };
        assert_eq!(decide(&elsewhere, None, false), None);
        assert!(always_asked(&[Permission::Permissions]));
        assert!(always_asked(&[Permission::Security, Permission::Personnel]));
        assert!(!always_asked(&[Permission::Personnel]));
    }
}
