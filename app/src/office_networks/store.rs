//! The office networks in the database: the only reader and writer of
//! `office_networks` and `office_network_ranges`. Each change is one write transaction
//! with its audit event, checked by [`rules`](super::rules) first, whichever door it came
//! through (the Security page, a plain form post, `twostep admin office-networks`).

use super::rules::{self, MOST_OFFICES};
use super::{AddOutcome, OfficeField};
use crate::audit::EventKind;
use crate::clock::UnixSeconds;
use crate::db::Db;
use crate::request::client_addr::TrustedProxies;
use crate::sign_in_details::By;
use ipnet::IpNet;
use std::net::IpAddr;

/// One office network as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Office {
    pub id: i64,
    pub name: String,
    pub ranges: Vec<IpNet>,
    pub created_at: UnixSeconds,
    /// Who added it: a person's name, or the operator.
    pub created_by: String,
}

impl Office {
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = crate::request::client_addr::canonical(ip);
        self.ranges.iter().any(|range| range.contains(&ip))
    }
}

/// One office network with one of its ranges: id, name, added, by whom, range.
type OfficeRangeRow = (i64, String, i64, Option<String>, Option<String>);

/// Every office network, by name.
pub async fn list(db: &Db) -> Result<Vec<Office>, sqlx::Error> {
    let rows: Vec<OfficeRangeRow> = crate::db::on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT o.id, o.name, o.created_at, u.name, r.range
             FROM office_networks o
             LEFT JOIN users u ON u.id = o.created_by
             LEFT JOIN office_network_ranges r ON r.office_id = o.id
             ORDER BY o.id, r.range",
        )
        .fetch_all(pool)
        .await
    })?;
    let mut offices: Vec<Office> = Vec::new();
    for (id, name, created_at, by, range) in rows {
        if offices.last().is_none_or(|office| office.id != id) {
            offices.push(Office {
                id,
                name,
                ranges: Vec::new(),
                created_at,
                created_by: by.unwrap_or_else(|| crate::audit::OPERATOR.to_string()),
            });
        }
        let office = offices.last_mut().expect("pushed above");
        // A range that no longer parses (edited by hand) matches nothing.
        if let Some(range) = range.and_then(|r| r.parse().ok()) {
            office.ranges.push(range);
        }
    }
    // By name in Rust: the two databases order text by different collations, and the
    // first office by name is the reason a skip gives.
    offices.sort_by_cached_key(|office| rules::name_key(&office.name));
    Ok(offices)
}

/// The office network `ip` is in, if any: the first by name when ranges overlap.
pub async fn office_of(db: &Db, ip: IpAddr) -> Result<Option<Office>, sqlx::Error> {
    Ok(list(db).await?.into_iter().find(|office| office.contains(ip)))
}

/// Adds an office network after the rules' checks; the refusal names the field.
pub async fn add(
    db: &Db,
    proxies: &TrustedProxies,
    by: By<'_>,
    typed_name: &str,
    typed_addresses: &str,
    now: UnixSeconds,
) -> Result<AddOutcome, sqlx::Error> {
    let refused = |field, message| AddOutcome::Refused { field, message };
    let name = match rules::clean_name(typed_name) {
        Ok(name) => name,
        Err(message) => return Ok(refused(OfficeField::Name, message)),
    };
    let ranges = match rules::parse_addresses(typed_addresses, proxies) {
        Ok(ranges) => ranges,
        Err(message) => return Ok(refused(OfficeField::Addresses, message)),
    };
    let by_id = match by {
        By::Person { user, .. } => Some(user.id),
        By::Operator => None,
    };
    let mut tx = db.begin_write().await?;
    let id: Option<i64> = crate::db::on_conn!((&mut tx).into(), |c| {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM office_networks")
            .fetch_one(&mut *c)
            .await?;
        if count >= MOST_OFFICES {
            return Ok(refused(
                OfficeField::Name,
                (said().too_many_offices)(MOST_OFFICES),
            ));
        }
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO office_networks (name, name_key, created_at, created_by)
             VALUES ($1, $2, $3, $4) ON CONFLICT (name_key) DO NOTHING RETURNING id",
        )
        .bind(&name)
        .bind(rules::name_key(&name))
        .bind(now)
        .bind(by_id)
        .fetch_optional(&mut *c)
        .await?;
        if let Some(id) = id {
            for range in &ranges {
                sqlx::query("INSERT INTO office_network_ranges (office_id, range) VALUES ($1, $2)")
                    .bind(id)
                    .bind(range.to_string())
                    .execute(&mut *c)
                    .await?;
            }
        }
        id
    });
    let Some(_) = id else {
        return Ok(refused(OfficeField::Name, (said().name_taken)(&name)));
    };
    let detail = format!("{name}: {}", joined(&ranges));
    by.audit_about(&mut tx, now, EventKind::OfficeNetworkAdded, None, &detail)
        .await?;
    tx.commit().await?;
    Ok(AddOutcome::Added { name })
}

/// Removes the office network `id`; its name, or None when there was none.
pub async fn remove(db: &Db, by: By<'_>, id: i64, now: UnixSeconds) -> Result<Option<String>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let removed: Option<(String, Vec<String>)> = crate::db::on_conn!((&mut tx).into(), |c| {
        let ranges: Vec<String> =
            sqlx::query_scalar("SELECT range FROM office_network_ranges WHERE office_id = $1 ORDER BY range")
                .bind(id)
                .fetch_all(&mut *c)
                .await?;
        sqlx::query_scalar::<_, String>("DELETE FROM office_networks WHERE id = $1 RETURNING name")
            .bind(id)
            .fetch_optional(&mut *c)
            .await?
            .map(|name| (name, ranges))
    });
    let Some((name, ranges)) = removed else {
        return Ok(None);
    };
    let detail = format!("{name}: {}", ranges.join(", "));
    by.audit_about(&mut tx, now, EventKind::OfficeNetworkRemoved, None, &detail)
        .await?;
    tx.commit().await?;
    Ok(Some(name))
}

/// The id of the office network named `name` (any case), for the command line.
pub async fn id_named(db: &Db, name: &str) -> Result<Option<i64>, sqlx::Error> {
    // Cleaned as names are when added, so the name typed then finds it.
    let Ok(name) = rules::clean_name(name) else {
        return Ok(None);
    };
    crate::db::on_db!(db, |pool| {
        sqlx::query_scalar("SELECT id FROM office_networks WHERE name_key = $1")
            .bind(rules::name_key(&name))
            .fetch_optional(pool)
            .await
    })
}

/// Why an office network was refused, in the request's language.
fn said() -> &'static crate::i18n::system_texts::OfficeServerTexts {
    &crate::i18n::system_texts::server().offices
}

pub fn joined(ranges: &[IpNet]) -> String {
    ranges.iter().map(IpNet::to_string).collect::<Vec<_>>().join(", ")
}
