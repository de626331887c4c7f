//! The Personnel editor's SQL: the list, one person, and the save with every rule checked
//! in its write transaction. Name and phone are the editor's own; the sign-in details
//! (who may change them, what that revokes, who is told) belong to `sign_in_details`.

use super::validate::{Valid, display_number};
use super::{FieldErrors, PeoplePage, PersonRow, SaveOutcome};
use crate::audit::{self, Event, EventKind};
use crate::auth::password::StoredHash;
use crate::clock::UnixSeconds;
use crate::error::AppError;
use crate::permissions::store::is_last_active_holder;
use crate::permissions::{CurrentUser, Permission};
use crate::personnel::people;
use crate::sign_in_details::{self, By, Change as Detail, Door, Made, MakeRefused, NewDetails, Refusal};
use crate::state::AppState;
use std::net::IpAddr;

/// A person as the list and the editor read them.
#[derive(sqlx::FromRow)]
struct Listed {
    id: i64,
    name: String,
    username: String,
    email: Option<String>,
    phone: Option<String>,
    mobile: Option<String>,
    active: bool,
}

fn to_row(listed: Listed) -> PersonRow {
    PersonRow {
        id: listed.id,
        name: listed.name,
        username: listed.username,
        email: listed.email,
        phone: listed.phone.as_deref().map(display_number),
        mobile: listed.mobile.as_deref().map(display_number),
        active: listed.active,
    }
}

pub async fn list(
    db: &crate::db::Db,
    search: &str,
    offset: i64,
    limit: i64,
) -> Result<PeoplePage, sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        let pattern = crate::db::like_pattern(search);
        const FILTER: &str = "($1 = '%%' OR lower(name) LIKE lower($1) ESCAPE '\\'
                           OR lower(username) LIKE lower($1) ESCAPE '\\' OR lower(email) LIKE lower($1) ESCAPE '\\')";
        let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM users WHERE {FILTER}"))
            .bind(&pattern)
            .fetch_one(pool)
            .await?;
        let rows: Vec<Listed> = sqlx::query_as(&format!(
            "SELECT id, name, username, email, phone, mobile, active FROM users WHERE {FILTER}
         ORDER BY lower(name), id LIMIT $2 OFFSET $3"
        ))
        .bind(&pattern)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await?;
        Ok(PeoplePage {
            rows: rows.into_iter().map(to_row).collect(),
            total,
            offset,
        })
    })
}

pub async fn row(db: &crate::db::Db, id: i64) -> Result<Option<PersonRow>, sqlx::Error> {
    crate::db::on_db!(db, |pool| {
        let row: Option<Listed> = sqlx::query_as(
            "SELECT id, name, username, email, phone, mobile, active FROM users WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?;
        Ok(row.map(to_row))
    })
}

/// A validated change to save.
pub struct Change {
    pub id: Option<i64>,
    pub person: Valid,
    pub active: bool,
}

/// What an edit may change, as it was before.
#[derive(sqlx::FromRow)]
struct Stored {
    name: String,
    username: String,
    email: Option<String>,
    phone: Option<String>,
    mobile: Option<String>,
    active: bool,
}

/// Who saves, from where and when: what every audit entry of one save carries.
struct Saving<'a> {
    actor: &'a CurrentUser,
    client_ip: IpAddr,
    now: UnixSeconds,
}

impl Saving<'_> {
    fn by(&self) -> By<'_> {
        By::Person {
            user: self.actor,
            client_ip: self.client_ip,
        }
    }

    async fn audit(
        &self,
        conn: impl Into<crate::db::Conn<'_>>,
        kind: EventKind,
        subject: i64,
        detail: &str,
    ) -> Result<(), sqlx::Error> {
        crate::db::on_conn!(conn.into(), |db| {
            let event = Event {
                kind,
                actor_id: Some(self.actor.id),
                subject_id: Some(subject),
                client_ip: Some(self.client_ip),
                detail: detail.to_string(),
            };
            audit::record(db, self.now, event).await
        })
    }
}

/// Saves a person in one write transaction, with every rule checked inside it.
pub async fn save(
    state: &AppState,
    actor: &CurrentUser,
    change: Change,
    client_ip: IpAddr,
) -> Result<SaveOutcome, AppError> {
    let now = state.clock.now();
    // Hash before the transaction: the write lock is not held during the slow part.
    let password_hash = match &change.person.password {
        Some(password) => Some(state.hasher.hash(password.clone()).await?),
        None => None,
    };
    let saving = Saving {
        actor,
        client_ip,
        now,
    };
    let mut tx = state.db.begin_write().await?;
    let saved = match change.id {
        None => insert(&mut tx, &saving, &change, password_hash.as_ref()).await?,
        Some(id) => update(&mut tx, &saving, id, &change, password_hash.as_ref()).await?,
    };
    let (id, made) = match saved {
        Ok(saved) => saved,
        Err(refusal) => return Ok(refusal),
    };
    tx.commit().await?;
    if let Some(made) = &made {
        sign_in_details::after_commit(state, id, made).await?;
    }
    if change.id.is_some() && password_hash.is_some() {
        crate::personnel::people::forget_first_admin_password(state, id).await?;
    }
    Ok(SaveOutcome::Saved { id })
}

/// What a step of the save did: the person's id and, for an edit, what the owner of
/// sign-in details made of it; or the refusal to show.
type Saved = Result<(i64, Option<Made>), SaveOutcome>;

/// Adds a new person.
async fn insert(
    conn: impl Into<crate::db::Conn<'_>>,
    saving: &Saving<'_>,
    change: &Change,
    password_hash: Option<&StoredHash>,
) -> Result<Saved, AppError> {
    crate::db::on_conn!(conn.into(), |tx| {
        let Some(hash) = password_hash else {
            return Ok(Err(SaveOutcome::Invalid(FieldErrors {
                password: Some(said().needs_password.into()),
                ..Default::default()
            })));
        };
        let p = &change.person;
        let row = people::Row {
            name: &p.name,
            username: &p.username,
            email: p.email.as_deref(),
            phone: p.phone.as_deref(),
            mobile: p.mobile.as_deref(),
            password_hash: hash,
            active: change.active,
        };
        let id = match people::insert(&mut *tx, row, saving.now).await {
            Ok(id) => id,
            Err(e) if is_unique_violation(&e) => return Ok(Err(username_taken())),
            Err(e) => return Err(e.into()),
        };
        saving
            .audit(&mut *tx, EventKind::PersonCreated, id, &p.username)
            .await?;
        Ok(Ok((id, None)))
    })
}

/// The sign-in details an edit changes, and their new values.
fn detail_changes<'a>(
    before: &Stored,
    change: &'a Change,
    password_hash: Option<&'a StoredHash>,
) -> (Vec<Detail>, NewDetails<'a>) {
    let p = &change.person;
    let mut changes = Vec::new();
    let mut new = NewDetails::default();
    if password_hash.is_some() {
        changes.push(Detail::PasswordReset);
        new.password = password_hash;
    }
    if before.email != p.email {
        changes.push(Detail::Email);
        new.email = Some(p.email.as_deref());
    }
    if before.mobile != p.mobile {
        changes.push(Detail::Mobile);
        new.mobile = Some(p.mobile.as_deref());
    }
    if before.username != p.username {
        changes.push(Detail::Username);
        new.username = Some(&p.username);
    }
    if before.active != change.active {
        changes.push(if change.active {
            Detail::Reactivated
        } else {
            Detail::Deactivated
        });
        new.active = Some(change.active);
    }
    (changes, new)
}

/// Changes person `id`, every rule checked inside the transaction. Name and phone are
/// the Personnel editor's own; every sign-in detail goes through `sign_in_details`.
async fn update(
    conn: impl Into<crate::db::Conn<'_>>,
    saving: &Saving<'_>,
    id: i64,
    change: &Change,
    password_hash: Option<&StoredHash>,
) -> Result<Saved, AppError> {
    crate::db::on_conn!(conn.into(), |tx| {
        let before: Option<Stored> =
            sqlx::query_as("SELECT name, username, email, phone, mobile, active FROM users WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(before) = before else {
            return Err(AppError::NotFound);
        };
        let (changes, new) = detail_changes(&before, change, password_hash);
        let by = saving.by();
        if changes.contains(&Detail::Deactivated) && id == saving.actor.id {
            return Ok(Err(refused(said().yourself_inactive)));
        }
        match sign_in_details::may_change(&mut *tx, &by, Door::Personnel, id, &changes).await? {
            Ok(()) => {}
            Err(Refusal::HoldsLess) => return Err(AppError::Forbidden),
            Err(Refusal::OwnDetailsInMyAccount) => {
                return Ok(Err(refused(crate::i18n::said().own_details_in_my_account)));
            }
            Err(Refusal::NotOnOneself) => return Ok(Err(refused(said().yourself_inactive))),
        }
        if changes.contains(&Detail::Deactivated)
            && let Some(refusal) =
                deactivation_refused(&mut *tx, saving.actor, id, &change.person.name).await?
        {
            return Ok(Err(refusal));
        }
        let p = &change.person;
        sqlx::query("UPDATE users SET name = $2, phone = $3, updated_at = $4 WHERE id = $1")
            .bind(id)
            .bind(&p.name)
            .bind(&p.phone)
            .bind(saving.now)
            .execute(&mut *tx)
            .await?;
        let made = match sign_in_details::make(&mut *tx, &by, Door::Personnel, id, &changes, &new, saving.now)
            .await?
        {
            Ok(made) => made,
            Err(MakeRefused::UsernameTaken) => return Ok(Err(username_taken())),
            Err(MakeRefused::Rule(_)) => return Err(AppError::Forbidden),
        };
        let changed = changed_fields(&before, p);
        if !changed.is_empty() {
            saving
                .audit(&mut *tx, EventKind::PersonChanged, id, &changed.join(", "))
                .await?;
        }
        Ok(Ok((id, Some(made))))
    })
}

/// Why person `id` may not be made inactive by `actor`, if they may not.
async fn deactivation_refused(
    conn: impl Into<crate::db::Conn<'_>>,
    actor: &CurrentUser,
    id: i64,
    name: &str,
) -> Result<Option<SaveOutcome>, sqlx::Error> {
    crate::db::on_conn!(conn.into(), |tx| {
        if id == actor.id {
            return Ok(Some(refused(said().yourself_inactive)));
        }
        for permission in [Permission::Permissions, Permission::Security] {
            if is_last_active_holder(&mut *tx, id, permission).await? {
                let shown = permission.name(crate::i18n::request_lang().texts().system);
                let last_holder = crate::i18n::system_texts::server().permissions.last_holder;
                return Ok(Some(refused(&last_holder(name, shown))));
            }
        }
        Ok(None)
    })
}

/// The audit's list of what an edit changed among the editor's own fields (the sign-in
/// details are audited by `sign_in_details`).
fn changed_fields(before: &Stored, after: &Valid) -> Vec<&'static str> {
    [
        ("name", before.name != after.name),
        ("phone", before.phone != after.phone),
    ]
    .into_iter()
    .filter_map(|(field, differs)| differs.then_some(field))
    .collect()
}

fn refused(message: &str) -> SaveOutcome {
    SaveOutcome::Refused {
        message: message.to_string(),
    }
}

fn username_taken() -> SaveOutcome {
    SaveOutcome::Invalid(FieldErrors {
        username: Some(said().username_taken.into()),
        ..Default::default()
    })
}

/// Why a save was refused, in the request's language.
fn said() -> &'static crate::i18n::system_texts::PersonnelServerTexts {
    &crate::i18n::system_texts::server().personnel
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::codes;
    use crate::db::Backend;
    use crate::personnel::validate::{Submitted, person as validate};
    use crate::testing::state_on;
    use crate::testing::{epoch, password_works, person};
    use crate::trusted_networks::store as trust;

    const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));

    fn valid(name: &str, username: &str, password: &str) -> Valid {
        let submitted = Submitted {
            name: name.into(),
            username: username.into(),
            email: format!("{username}@example.com"),
            mobile: "+32 470 12 34 56".into(),
            password: password.into(),
            ..Default::default()
        };
        validate(&submitted, !password.is_empty(), None).unwrap()
    }

    async fn a_new_person_is_saved_normalised_and_listed_formatted(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let admin = person(&state, "Admin", "admin", &Permission::ALL).await;
        let change = Change {
            id: None,
            person: valid("Jane Doe", "jdoe", "walnut harbour lamp"),
            active: true,
        };
        let SaveOutcome::Saved { id } = save(&state, &admin, change, IP).await.unwrap() else {
            panic!()
        };
        let stored: String = crate::db::on_db!(&state.db, |pool| sqlx::query_scalar(
            "SELECT mobile FROM users WHERE id = $1"
        )
        .bind(id)
        .fetch_one(pool)
        .await)
        .unwrap();
        assert_eq!(stored, "+32470123456");
        let row = row(&state.db, id).await.unwrap().unwrap();
        assert_eq!(row.mobile.as_deref(), Some("+32 470 12 34 56"));
    }

    async fn a_username_is_unique_whatever_its_case_and_nothing_is_saved(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let admin = person(&state, "Admin", "admin", &Permission::ALL).await;
        person(&state, "Jane Doe", "jdoe", &[]).await;
        let change = Change {
            id: None,
            person: valid("Other Jane", "JDoe", "walnut harbour lamp"),
            active: true,
        };
        let outcome = save(&state, &admin, change, IP).await.unwrap();
        assert!(
            matches!(outcome, SaveOutcome::Invalid(ref e) if e.username.as_deref() == Some("That username is already taken."))
        );
        assert_eq!(list(&state.db, "", 0, 50).await.unwrap().total, 2);
    }

    async fn deactivating_ends_sessions_but_never_oneself_or_the_last_administrator(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let admin = person(&state, "Admin", "admin", &Permission::ALL).await;
        let jdoe = person(&state, "Jane Doe", "jdoe", &[]).await;
        let off = |id, name: &str, username: &str| Change {
            id: Some(id),
            person: valid(name, username, ""),
            active: false,
        };

        let outcome = save(&state, &admin, off(admin.id, "Admin", "admin"), IP)
            .await
            .unwrap();
        assert!(matches!(outcome, SaveOutcome::Refused { ref message } if message.contains("yourself")));

        // Someone holding less than the administrator cannot deactivate them at all (and
        // anyone holding as much is a second holder: the last one cannot be reached).
        let manager = person(&state, "Manager", "manager", &[Permission::Personnel]).await;
        let outcome = save(&state, &manager, off(admin.id, "Admin", "admin"), IP).await;
        assert_eq!(outcome, Err(AppError::Forbidden));
        assert!(
            crate::personnel::people::load_current(&state.db, admin.id, 0)
                .await
                .unwrap()
                .is_some(),
            "still active"
        );

        assert_eq!(
            save(&state, &admin, off(jdoe.id, "Jane Doe", "jdoe"), IP)
                .await
                .unwrap(),
            SaveOutcome::Saved { id: jdoe.id }
        );
        assert_eq!(epoch(&state, jdoe.id).await, 1, "their sessions ended");
        assert!(
            crate::personnel::people::find_for_sign_in(&state.db, "jdoe")
                .await
                .unwrap()
                .is_none(),
            "cannot sign in"
        );
    }

    async fn a_password_reset_ends_sessions_and_an_empty_password_keeps_the_old_one(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let admin = person(&state, "Admin", "admin", &Permission::ALL).await;
        let jdoe = person(&state, "Jane Doe", "jdoe", &[]).await;
        let keep = Change {
            id: Some(jdoe.id),
            person: valid("Jane Q. Doe", "jdoe", ""),
            active: true,
        };
        save(&state, &admin, keep, IP).await.unwrap();
        assert_eq!(epoch(&state, jdoe.id).await, 0);
        assert!(password_works(&state, "jdoe", crate::testing::PASSWORD).await);

        let reset = Change {
            id: Some(jdoe.id),
            person: valid("Jane Q. Doe", "jdoe", "brand new password"),
            active: true,
        };
        save(&state, &admin, reset, IP).await.unwrap();
        assert_eq!(epoch(&state, jdoe.id).await, 1);
        assert!(password_works(&state, "jdoe", "brand new password").await);
        let kinds: Vec<String> = crate::db::on_db!(&state.db, |pool| sqlx::query_scalar(
            "SELECT kind FROM audit WHERE subject_id = $1 ORDER BY id"
        )
        .bind(jdoe.id)
        .fetch_all(pool)
        .await)
        .unwrap();
        // The editor's own fields (the name) and the sign-in details (the email and
        // mobile the form adds) are audited apart; then the reset.
        assert_eq!(
            kinds,
            [
                "person_created",
                "person_changed",
                "person_changed",
                "password_reset"
            ]
        );
    }

    async fn trust_is_withdrawn_by_a_reset_a_new_address_or_a_deactivation_but_not_by_a_new_name(
        backend: Backend,
    ) {
        let (state, _db) = state_on(backend).await;
        let admin = person(&state, "Admin", "admin", &Permission::ALL).await;
        let jdoe = person(&state, "Jane Doe", "jdoe", &[]).await;
        let save_as = |person: Valid, active: bool| Change {
            id: Some(jdoe.id),
            person,
            active,
        };
        let trusted = || async {
            trust::trust(&state.db, jdoe.id, IP, 30, state.clock.now())
                .await
                .unwrap();
        };
        let count = || async {
            crate::db::on_db!(&state.db, |pool| sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM trusted_networks WHERE user_id = $1"
            )
            .bind(jdoe.id)
            .fetch_one(pool)
            .await)
            .unwrap()
        };
        save(&state, &admin, save_as(valid("Jane Doe", "jdoe", ""), true), IP)
            .await
            .unwrap();
        trusted().await;

        save(
            &state,
            &admin,
            save_as(valid("Jane Q. Doe", "jdoe", ""), true),
            IP,
        )
        .await
        .unwrap();
        assert_eq!(count().await, 1, "a new name keeps the trust");

        let mut new_email = valid("Jane Q. Doe", "jdoe", "");
        new_email.email = Some("jane@elsewhere.example".into());
        save(&state, &admin, save_as(new_email, true), IP).await.unwrap();
        assert_eq!(count().await, 0, "a new email address withdraws it");

        trusted().await;
        let mut new_mobile = valid("Jane Q. Doe", "jdoe", "");
        new_mobile.email = Some("jane@elsewhere.example".into());
        new_mobile.mobile = Some("+32470999999".into());
        save(&state, &admin, save_as(new_mobile.clone(), true), IP)
            .await
            .unwrap();
        assert_eq!(count().await, 0, "a new mobile number withdraws it");

        trusted().await;
        new_mobile.password = Some("brand new password".into());
        save(&state, &admin, save_as(new_mobile.clone(), true), IP)
            .await
            .unwrap();
        assert_eq!(count().await, 0, "a password reset withdraws it");

        trusted().await;
        new_mobile.password = None;
        save(&state, &admin, save_as(new_mobile, false), IP)
            .await
            .unwrap();
        assert_eq!(count().await, 0, "deactivation withdraws it");
        let deleted: i64 = crate::db::on_db!(&state.db, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit WHERE kind = 'network_deleted'"
        )
        .fetch_one(pool)
        .await)
        .unwrap();
        assert_eq!(deleted, 4);
    }

    async fn the_rule_reads_permissions_as_they_are_when_the_save_commits(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let admin = person(&state, "Admin", "admin", &Permission::ALL).await;
        // Both snapshots are taken when each request signed in...
        let clerk = person(
            &state,
            "Clerk",
            "clerk",
            &[Permission::Personnel, Permission::Security],
        )
        .await;
        let target = person(&state, "Target", "target", &[]).await;
        let mut new_email = valid("Target", "target", "");
        new_email.email = Some("taken@attacker.example".into());
        let change = |person: Valid| Change {
            id: Some(target.id),
            person,
            active: true,
        };
        // ...then Permissions is granted to the target before the clerk's save runs.
        crate::permissions::store::set(&state, &admin, target.id, Permission::Permissions, true, IP)
            .await
            .unwrap();
        let refused = save(&state, &clerk, change(new_email.clone()), IP).await;
        assert_eq!(refused, Err(AppError::Forbidden), "the grant is seen");
        // And an actor who lost a permission since signing in has only what is left.
        crate::permissions::store::set(&state, &admin, target.id, Permission::Permissions, false, IP)
            .await
            .unwrap();
        crate::permissions::store::set(&state, &admin, target.id, Permission::Security, true, IP)
            .await
            .unwrap();
        crate::permissions::store::set(&state, &admin, clerk.id, Permission::Security, false, IP)
            .await
            .unwrap();
        let refused = save(&state, &clerk, change(new_email), IP).await;
        assert_eq!(refused, Err(AppError::Forbidden), "the clerk's own loss is seen");
        assert_eq!(
            row(&state.db, target.id).await.unwrap().unwrap().email,
            None,
            "unchanged"
        );
    }

    async fn a_new_email_or_mobile_voids_the_codes_already_sent(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        let admin = person(&state, "Admin", "admin", &Permission::ALL).await;
        let jdoe = person(&state, "Jane Doe", "jdoe", &[]).await;
        let policy = crate::auth::codes::CodePolicy::default();
        let now = state.clock.now();
        let issue = || async {
            codes::issue(
                &state.db,
                &state.secret_key,
                &policy,
                jdoe.id,
                codes::Browser::bound_to(b"browser"),
                codes::Purpose::SignIn,
                now,
            )
            .await
            .unwrap()
            .unwrap()
        };
        let state_of = |id: i64| {
            let pool = state.db.clone();
            async move {
                crate::db::on_db!(&pool, |pool| sqlx::query_scalar::<_, String>(
                    "SELECT state FROM codes WHERE id = $1"
                )
                .bind(id)
                .fetch_one(pool)
                .await)
                .unwrap()
            }
        };
        let with_contact = Change {
            id: Some(jdoe.id),
            person: valid("Jane Doe", "jdoe", ""),
            active: true,
        };
        save(&state, &admin, with_contact, IP).await.unwrap();
        let sent = issue().await;
        let renamed = valid("Jane Q. Doe", "jdoe", "");
        let keep = Change {
            id: Some(jdoe.id),
            person: renamed.clone(),
            active: true,
        };
        save(&state, &admin, keep, IP).await.unwrap();
        assert_eq!(state_of(sent.id).await, "live", "a new name keeps the code");

        let mut moved = renamed;
        moved.email = Some("jane@elsewhere.example".into());
        let change = Change {
            id: Some(jdoe.id),
            person: moved,
            active: true,
        };
        save(&state, &admin, change, IP).await.unwrap();
        assert_eq!(state_of(sent.id).await, "voided");
        let checked = codes::check(
            &state.db,
            &policy,
            sent.id,
            jdoe.id,
            b"browser",
            codes::Answer::Sent(&state.secret_key, &sent.code),
            now,
        )
        .await
        .unwrap();
        assert_eq!(
            checked,
            codes::Checked::Spent,
            "the mailed code no longer signs in"
        );
        let audited: i64 = crate::db::on_db!(&state.db, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit WHERE kind = 'code_voided' AND subject_id = $1"
        )
        .bind(jdoe.id)
        .fetch_one(pool)
        .await)
        .unwrap();
        assert_eq!(audited, 1);
    }

    async fn the_list_is_sorted_searched_and_paged(backend: Backend) {
        let (state, _db) = state_on(backend).await;
        for (name, username) in [
            ("charlie", "c"),
            ("Alice", "a"),
            ("bob_x", "b"),
            ("100% Dan", "d"),
            ("Élodie Durand", "e"),
        ] {
            person(&state, name, username, &[]).await;
        }
        let all = list(&state.db, "", 0, 50).await.unwrap();
        let names: Vec<_> = all.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["100% Dan", "Alice", "bob_x", "charlie", "Élodie Durand"]);
        let page = list(&state.db, "", 2, 2).await.unwrap();
        assert_eq!(
            (page.total, page.rows.len(), page.rows[0].name.as_str()),
            (5, 2, "bob_x")
        );
        // `_` and `%` are literal in a search.
        assert_eq!(list(&state.db, "_", 0, 50).await.unwrap().total, 1);
        assert_eq!(list(&state.db, "%", 0, 50).await.unwrap().total, 1);
        assert_eq!(list(&state.db, "ALI", 0, 50).await.unwrap().rows[0].name, "Alice");
        // A name typed as it is written is found, whatever its letters.
        assert_eq!(list(&state.db, "Élodie", 0, 50).await.unwrap().total, 1);
        assert_eq!(list(&state.db, "DURAND", 0, 50).await.unwrap().total, 1);
    }

    crate::on_both_backends!(
        a_new_person_is_saved_normalised_and_listed_formatted,
        a_username_is_unique_whatever_its_case_and_nothing_is_saved,
        deactivating_ends_sessions_but_never_oneself_or_the_last_administrator,
        a_password_reset_ends_sessions_and_an_empty_password_keeps_the_old_one,
        trust_is_withdrawn_by_a_reset_a_new_address_or_a_deactivation_but_not_by_a_new_name,
        the_rule_reads_permissions_as_they_are_when_the_save_commits,
        a_new_email_or_mobile_voids_the_codes_already_sent,
        the_list_is_sorted_searched_and_paged,
    );
}
