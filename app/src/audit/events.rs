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

/// The newest `limit` events of `kind` (empty: any) that involve `person` (name or
/// username, any part; empty: anyone), with every kind stored so far for the filter.
pub async fn newest(
    db: &crate::db::Db,
    person: &str,
    kind: &str,
    limit: i64,
) -> Result<EventsPage, sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        let pattern = crate::db::like_pattern(person.trim());
        const FROM: &str = "FROM audit a LEFT JOIN users actor ON actor.id = a.actor_id
        LEFT JOIN users subject ON subject.id = a.subject_id
        WHERE ($1 = '' OR a.kind = $1)
          AND ($2 = '%%' OR lower(actor.name) LIKE lower($2) ESCAPE '\\' OR actor.username_key LIKE lower($2) ESCAPE '\\'
               OR lower(a.actor_label) LIKE lower($2) ESCAPE '\\'
               OR lower(subject.name) LIKE lower($2) ESCAPE '\\' OR subject.username_key LIKE lower($2) ESCAPE '\\')";
        let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) {FROM}"))
            .bind(kind)
            .bind(&pattern)
            .fetch_one(pool)
            .await?;
        let rows: Vec<Stored> = sqlx::query_as(&format!(
            "SELECT a.id AS id, a.at AS at, a.kind AS kind, COALESCE(actor.name, a.actor_label) AS actor,
                subject.name AS subject,
                a.client_ip AS client_ip, a.detail AS detail {FROM}
         ORDER BY a.id DESC LIMIT $3"
        ))
        .bind(kind)
        .bind(&pattern)
        .bind(limit)
        .fetch_all(pool)
        .await?;
        let kinds = sqlx::query_scalar("SELECT DISTINCT kind FROM audit ORDER BY kind")
            .fetch_all(pool)
            .await?;
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
