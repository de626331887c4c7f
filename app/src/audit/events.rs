//! The Security page's list of security events: the newest first, as many as asked for,
//! filtered by kind and by a person named as actor or subject.

use crate::security_settings::event_rows::{EventRow, EventsPage};

/// One event with the names of who did it and to whom.
#[derive(sqlx::FromRow)]
struct Stored {
    id: i64,
    at: i64,
    kind: String,
    actor: Option<String>,
    subject: Option<String>,
    client_ip: Option<String>,
    detail: String,
}

/// The kinds stored so far, in one query: each kind the program knows looked up in the
/// kind index, not a walk of every event (`SELECT DISTINCT kind` read a year's 300,000).
/// The names are the program's own constants, so they are written into the text.
fn stored_kinds() -> &'static str {
    static QUERY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    QUERY.get_or_init(|| {
        let known: Vec<String> = crate::audit::EventKind::ALL
            .iter()
            .map(|kind| format!("('{}')", kind.as_str()))
            .collect();
        format!(
            "SELECT known.column1 FROM (VALUES {}) AS known
             WHERE EXISTS (SELECT 1 FROM audit WHERE audit.kind = known.column1)",
            known.join(", ")
        )
    })
}

/// The newest `limit` events of `kind` (empty: any) that involve `person` (name or
/// username, any part; empty: anyone), with every kind stored so far for the filter.
pub async fn newest(
    db: &crate::db::Db,
    person: &str,
    kind: &str,
    limit: i64,
) -> Result<EventsPage, sqlx::Error> {
    let pattern = crate::db::like_pattern(person.trim());
    // Only the conditions asked for go into the query: one that is always true (`$1 = ''
    // OR …`) still made the database walk, and join, every row of a year's events to
    // count them (250 ms for 300,000 events, `make bench`'s `year`).
    let by_kind = !kind.is_empty();
    let by_person = pattern != "%%";
    let mut filter = String::from("WHERE 1 = 1");
    let mut next = 1;
    if by_kind {
        filter.push_str(&format!(" AND a.kind = ${next}"));
        next += 1;
    }
    if by_person {
        filter.push_str(&format!(
            " AND (lower(actor.name) LIKE lower(${next}) ESCAPE '\\' OR actor.username_key LIKE lower(${next}) ESCAPE '\\'
               OR lower(a.actor_label) LIKE lower(${next}) ESCAPE '\\'
               OR lower(subject.name) LIKE lower(${next}) ESCAPE '\\' OR subject.username_key LIKE lower(${next}) ESCAPE '\\')"
        ));
        next += 1;
    }
    const JOINS: &str =
        "LEFT JOIN users actor ON actor.id = a.actor_id LEFT JOIN users subject ON subject.id = a.subject_id";
    let count = if by_person {
        format!("SELECT COUNT(*) FROM audit a {JOINS} {filter}")
    } else {
        format!("SELECT COUNT(*) FROM audit a {filter}")
    };
    let newest = format!(
        "SELECT a.id AS id, a.at AS at, a.kind AS kind, COALESCE(actor.name, a.actor_label) AS actor,
            subject.name AS subject, a.client_ip AS client_ip, a.detail AS detail
         FROM audit a {JOINS} {filter} ORDER BY a.id DESC LIMIT ${next}"
    );
    crate::db::on_db!(db, |pool| {
        let mut counting = sqlx::query_scalar(&count);
        let mut reading = sqlx::query_as(&newest);
        if by_kind {
            counting = counting.bind(kind);
            reading = reading.bind(kind);
        }
        if by_person {
            counting = counting.bind(&pattern);
            reading = reading.bind(&pattern);
        }
        let total: i64 = counting.fetch_one(pool).await?;
        let rows: Vec<Stored> = reading.bind(limit).fetch_all(pool).await?;
        let mut kinds: Vec<String> = sqlx::query_scalar(stored_kinds()).fetch_all(pool).await?;
        // Sorted here: the two databases' collations order `_` differently.
        kinds.sort();
        Ok(EventsPage {
            rows: rows
                .into_iter()
                .map(|row| EventRow {
                    id: row.id,
                    at: row.at,
                    kind: row.kind,
                    actor: row.actor,
                    subject: row.subject,
                    client_ip: row.client_ip,
                    detail: row.detail,
                })
                .collect(),
            total,
            kinds,
        })
    })
}
