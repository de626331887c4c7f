//! The security events as CSV for the records office (`twostep audit export --since
//! DATE`), so they can be kept elsewhere before the retention period deletes them.

use crate::clock::UnixSeconds;

/// The header row, in the order of the columns.
pub const COLUMNS: [&str; 8] = [
    "time_utc",
    "event",
    "actor",
    "actor_username",
    "subject",
    "subject_username",
    "client_ip",
    "detail",
];

#[derive(sqlx::FromRow)]
struct Exported {
    at: i64,
    kind: String,
    actor: Option<String>,
    actor_username: Option<String>,
    subject: Option<String>,
    subject_username: Option<String>,
    client_ip: Option<String>,
    detail: String,
}

/// Writes every event from `since` on (oldest first) as CSV with [`COLUMNS`] to `out`;
/// returns how many rows it wrote.
pub async fn write_csv(
    db: &crate::db::Db,
    since: UnixSeconds,
    out: impl std::io::Write,
) -> Result<u64, ExportError> {
    let rows: Vec<Exported> = crate::db::on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT a.at AS at, a.kind AS kind, COALESCE(actor.name, a.actor_label) AS actor,
                actor.username AS actor_username, subject.name AS subject,
                subject.username AS subject_username, a.client_ip AS client_ip, a.detail AS detail
             FROM audit a LEFT JOIN users actor ON actor.id = a.actor_id
             LEFT JOIN users subject ON subject.id = a.subject_id
             WHERE a.at >= $1 ORDER BY a.at, a.id",
        )
        .bind(since)
        .fetch_all(pool)
        .await
    })?;
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(COLUMNS)?;
    for row in &rows {
        let at = jiff::Timestamp::from_second(row.at)
            .map(|t| t.to_string())
            .unwrap_or_else(|_| row.at.to_string());
        let text = |value: &Option<String>| cell(value.as_deref().unwrap_or(""));
        csv.write_record([
            at,
            cell(&row.kind),
            text(&row.actor),
            text(&row.actor_username),
            text(&row.subject),
            text(&row.subject_username),
            text(&row.client_ip),
            cell(&row.detail),
        ])?;
    }
    csv.flush()?;
    Ok(rows.len() as u64)
}

/// A value as a spreadsheet may show it: one that begins like a formula (`=`, `+`, `-`,
/// `@`, a tab or a carriage return; a person's name can be anything) gets a leading `'`,
/// so opening the file never runs what someone typed as their name.
pub fn cell(value: &str) -> String {
    // The fullwidth forms too: some spreadsheets read them as the ASCII ones.
    if value.starts_with([
        '=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
    ]) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

/// The first moment of `date` (`YYYY-MM-DD`) in UTC.
pub fn start_of_day_utc(date: &str) -> Result<UnixSeconds, String> {
    let refused = || format!("{date:?} is not a date: write it as YYYY-MM-DD, such as 2026-01-31.");
    let text = date.trim();
    // Exactly YYYY-MM-DD: jiff would also take 20260131 or a date with a time and zone
    // (the time then silently dropped).
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        return Err(refused());
    }
    let day: jiff::civil::Date = text.parse().map_err(|_| refused())?;
    day.to_zoned(jiff::tz::TimeZone::UTC)
        .map(|start| start.timestamp().as_second())
        .map_err(|_| format!("{date:?} is out of range."))
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("writing the file: {0}")]
    Write(#[from] csv::Error),
    #[error("writing the file: {0}")]
    Io(#[from] std::io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Event, EventKind, record, record_by_operator};
    use crate::db::Backend;
    use crate::testing::{forget_events, person, state_on};

    async fn the_export_reads_back_as_the_events_from_its_date(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let admin = person(&state, "Ann Admin", "aadmin", &[]).await;
        // A name a spreadsheet would take for a formula.
        let odd = person(&state, "=HYPERLINK(\"http://x\")", "odd", &[]).await;
        assert_eq!(cell("\u{FF1D}1+1"), "'\u{FF1D}1+1");
        assert_eq!(cell("Ann"), "Ann");
        forget_events(&state.db).await;
        let day = start_of_day_utc("2026-03-01").unwrap();
        let event = |kind, subject: i64, detail: &str| Event {
            kind,
            actor_id: Some(admin.id),
            subject_id: Some(subject),
            client_ip: Some("203.0.113.7".parse().unwrap()),
            detail: detail.to_string(),
        };
        record(
            &state.db,
            day - 1,
            event(EventKind::PersonCreated, odd.id, "before"),
        )
        .await
        .unwrap();
        record(
            &state.db,
            day,
            event(EventKind::PersonChanged, odd.id, "email, \"mobile\"\nand more"),
        )
        .await
        .unwrap();
        record_by_operator(&state.db, day + 90, EventKind::TwoStepEnabled, None, "-on")
            .await
            .unwrap();

        let mut out = Vec::new();
        let written = write_csv(&state.db, day, &mut out).await.unwrap();
        assert_eq!(written, 2, "the event a second before the day is not in it");
        let mut reader = csv::Reader::from_reader(out.as_slice());
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), COLUMNS);
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        assert_eq!(
            rows,
            [
                vec![
                    "2026-03-01T00:00:00Z".to_string(),
                    "person_changed".into(),
                    "Ann Admin".into(),
                    "aadmin".into(),
                    "'=HYPERLINK(\"http://x\")".into(),
                    "odd".into(),
                    "203.0.113.7".into(),
                    "email, \"mobile\"\nand more".into(),
                ],
                vec![
                    "2026-03-01T00:01:30Z".to_string(),
                    "two_step_enabled".into(),
                    crate::audit::OPERATOR.into(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    "'-on".into(),
                ],
            ]
        );
    }

    crate::on_both_backends!(the_export_reads_back_as_the_events_from_its_date);

    #[test]
    fn dates_are_read_as_utc_days_and_anything_else_is_refused() {
        assert_eq!(start_of_day_utc("1970-01-02"), Ok(86_400));
        assert_eq!(start_of_day_utc(" 2026-12-03 "), Ok(1_796_256_000));
        for bad in [
            "",
            "2026-13-01",
            "03/12/2026",
            "2026-02-30",
            "yesterday",
            "20260301",
            "2026-03-01T23:00-05:00[America/New_York]",
            "-000001-01-01",
        ] {
            let said = start_of_day_utc(bad).unwrap_err();
            assert!(said.contains("YYYY-MM-DD"), "{bad:?}: {said}");
        }
    }
}
