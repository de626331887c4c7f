//! Maintenance › Organisation › Personnel (spec §1).
//!
//! The list and the editor are driven by the address (`?q=` search, `?from=` page,
//! `?edit=new` or `?edit=<id>`), so a person's entry can be linked to directly.

use crate::form_post::{self, PostedAnswer};
use crate::pages::layout::RequirePermission;
use crate::pages::widgets::{ErrorLine, Loading, SubmitButton, TextField};
use crate::permissions::Permission;
use crate::personnel::{
    EditedPerson, FieldErrors, PAGE_SIZE, PersonRow, SaveOutcome, SavePerson, get_person, list_people,
    sign_in_details_locked,
};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_query_map};

fn list_href(search: &str, offset: i64) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if !search.is_empty() {
        query.append_pair("q", search);
    }
    if offset > 0 {
        query.append_pair("from", &offset.to_string());
    }
    let query = query.finish();
    if query.is_empty() {
        "?".to_string()
    } else {
        format!("?{query}")
    }
}

fn edit_href(search: &str, edit: &str) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if !search.is_empty() {
        query.append_pair("q", search);
    }
    query.append_pair("edit", edit);
    format!("?{}", query.finish())
}

#[component]
pub fn PersonnelPage() -> impl IntoView {
    let t = &crate::i18n::t().system.personnel;
    view! {
        <Title text=t.title />
        <RequirePermission permission=Permission::Personnel>
            <PersonnelContent />
        </RequirePermission>
    }
}

#[component]
fn PersonnelContent() -> impl IntoView {
    let t = &crate::i18n::t().system.personnel;
    let query = use_query_map();
    let search = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let offset = Memo::new(move |_| {
        let from = query.read().get("from").and_then(|v| v.parse::<i64>().ok());
        crate::limits::list_offset(from.unwrap_or(0))
    });
    let editing = Memo::new(move |_| query.read().get("edit"));
    let save = ServerAction::<SavePerson>::new();
    // A Save the browser posted itself: its answer, and what was typed, for the editor.
    let posted = StoredValue::new(form_post::restore(save));
    let people = Resource::new(
        move || (search.get(), offset.get(), save.version().get()),
        |(search, offset, _)| list_people(search, offset),
    );
    let navigate = use_navigate();
    // "Saved." belongs to the last save, and only while no editor is open.
    let saved_note = move || {
        (editing.get().is_none() && matches!(save.value().get(), Some(Ok(SaveOutcome::Saved { .. }))))
            .then_some(t.saved)
    };

    // After a successful save: close the editor, say so, and the list reloads (version).
    // (A save the browser posted itself came back to the list already.)
    Effect::new({
        let navigate = navigate.clone();
        move |_| {
            if let Some(Ok(SaveOutcome::Saved { .. })) = save.value().get()
                && save.version().get_untracked() > 0
            {
                navigate(
                    &list_href(&search.get_untracked(), offset.get_untracked()),
                    Default::default(),
                );
            }
        }
    });

    view! {
        <div class="page-head">
            <h1>{t.title}</h1>
            <a class="button primary-inline" href=move || edit_href(&search.get(), "new")>{t.add_person}</a>
        </div>
        <Form method="GET" action="">
            <div class="search">
                <label for="people-search">{t.search}</label>
                <input
                    id="people-search"
                    type="search"
                    name="q"
                    value=search.get_untracked()
                    prop:value=move || search.get()
                    placeholder=t.search_placeholder
                    maxlength="100"
                />
                <button type="submit">{t.search}</button>
            </div>
        </Form>
        <p class="status-line" role="status">{saved_note}</p>
        {move || editing.get().map(|edit| view! { <Editor edit save posted search=search.get_untracked() /> })}
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match people.await {
                    Ok(page) => Either::Left(view! { <PeopleTable page search=search.get_untracked() /> }),
                    Err(error) => Either::Right(view! { <ErrorLine text=error.text().to_string() /> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn PeopleTable(page: crate::personnel::PeoplePage, search: String) -> impl IntoView {
    let system = crate::i18n::t().system;
    let (t, pager) = (&system.personnel, &system.pager);
    let first = if page.total == 0 { 0 } else { page.offset + 1 };
    let last = (page.offset + page.rows.len() as i64).min(page.total);
    let previous = (page.offset > 0).then(|| list_href(&search, (page.offset - PAGE_SIZE).max(0)));
    let next = (last < page.total).then(|| list_href(&search, page.offset + PAGE_SIZE));
    let dash = |v: Option<String>| v.unwrap_or_else(|| "—".into());
    let rows = page
        .rows
        .into_iter()
        .map(|person| {
            let href = edit_href(&search, &person.id.to_string());
            view! {
                <tr class:inactive=!person.active>
                    <td data-label=t.name><a href=href>{person.name}</a></td>
                    <td data-label=t.username>{person.username}</td>
                    <td data-label=t.email>{dash(person.email)}</td>
                    <td data-label=t.phone class="nowrap">{dash(person.phone)}</td>
                    <td data-label=t.mobile class="nowrap">{dash(person.mobile)}</td>
                    <td data-label=t.active>{if person.active { t.yes } else { t.no }}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="grid stack">
                <caption class="visually-hidden">{t.title}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t.name}</th>
                        <th scope="col">{t.username}</th>
                        <th scope="col">{t.email}</th>
                        <th scope="col">{t.phone}</th>
                        <th scope="col">{t.mobile}</th>
                        <th scope="col">{t.active}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager" aria-label=t.pages>
            <span>{(pager.range)(first, last, page.total)}</span>
            {previous.map(|href| view! { <a href=href>{pager.previous}</a> })}
            {next.map(|href| view! { <a href=href>{pager.next}</a> })}
        </nav>
    }
}

/// The editor for a new person (`edit = "new"`) or an existing one (`edit = "<id>"`).
#[component]
fn Editor(
    edit: String,
    save: ServerAction<SavePerson>,
    posted: StoredValue<Option<PostedAnswer>>,
    search: String,
) -> impl IntoView {
    let id = edit.parse::<i64>().ok();
    // The first editor after a Save the browser posted itself shows what was typed and
    // why it was refused; any other starts without the previous save's messages.
    let this_form = id.map(|id| id.to_string()).unwrap_or_default();
    let typed = posted
        .try_update_value(Option::take)
        .flatten()
        .filter(|answer| answer.field("id") == Some(this_form.as_str()));
    if typed.is_none() {
        save.value().set(None);
    }
    let person = Resource::new(
        move || id,
        |id| async move {
            match id {
                Some(id) => get_person(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let cancel = list_href(&search, 0);
    view! {
        <Suspense fallback=Loading>
            {move || {
                let cancel = cancel.clone();
                let typed = typed.clone();
                Suspend::new(async move {
                    match person.await {
                        Ok(Some(person)) => EitherOf3::A(view! { <PersonForm person=Some(person) typed save cancel /> }),
                        Ok(None) => EitherOf3::B(view! { <PersonForm person=None typed save cancel /> }),
                        Err(error) => EitherOf3::C(view! { <ErrorLine text=error.text().to_string() /> }),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn PersonForm(
    person: Option<EditedPerson>,
    /// What was typed into a form the browser posted itself, shown again with the reasons.
    typed: Option<PostedAnswer>,
    save: ServerAction<SavePerson>,
    cancel: String,
) -> impl IntoView {
    let t = &crate::i18n::t().system.personnel;
    // Email, Mobile, Password and Active of someone holding more than the viewer are
    // shown read-only; the server refuses a change to them whatever the page sends.
    let locked_by = person
        .as_ref()
        .filter(|p| !p.may_change_sign_in)
        .map(|p| sign_in_details_locked(&p.person.name));
    let lock = locked_by.as_ref().map(|_| "sign-in-locked");
    // One's own Email, Mobile and Password change only in My account, where the current
    // password is asked (spec §1).
    let own = person.as_ref().is_some_and(|p| p.is_viewer);
    let own_lock = if own { Some("own-details") } else { lock };
    // One's own methods are reset in My account, not here.
    let resettable = person.as_ref().filter(|p| !p.is_viewer).map(|p| p.person.id);
    let person = person.map(|p| p.person);
    let errors = Memo::new(move |_| match save.value().get() {
        Some(Ok(SaveOutcome::Invalid(errors))) => errors,
        _ => FieldErrors::default(),
    });
    let refusal = move || match save.value().get() {
        Some(Ok(SaveOutcome::Refused { message })) => Some(message),
        Some(Err(error)) => Some(error.text().to_string()),
        _ => None,
    };
    let pending = save.pending();
    let heading = person
        .as_ref()
        .map(|p| (t.edit)(&p.name))
        .unwrap_or_else(|| t.add_person.into());
    let field =
        |key: &str, f: fn(&PersonRow) -> Option<String>| match typed.as_ref().and_then(|t| t.field(key)) {
            Some(value) => value.to_string(),
            None => person.as_ref().and_then(f).unwrap_or_default(),
        };
    let (name, username, email, phone, mobile) = (
        field("name", |p| Some(p.name.clone())),
        field("username", |p| Some(p.username.clone())),
        field("email", |p| p.email.clone()),
        field("phone", |p| p.phone.clone()),
        field("mobile", |p| p.mobile.clone()),
    );
    let id = person.as_ref().map(|p| p.id.to_string()).unwrap_or_default();
    let active = match typed.as_ref().and_then(|t| t.field("active")) {
        Some(value) => value == "true",
        None => person.as_ref().is_none_or(|p| p.active),
    };
    let password_hint = if person.is_some() {
        t.keep_password.to_string()
    } else {
        crate::limits::password_hint(crate::i18n::use_lang())
    };
    view! {
        <section class="editor" aria-labelledby="editor-heading">
            <h2 id="editor-heading">{heading}</h2>
            // The server decides what is valid and says why next to each field.
            <ActionForm action=save attr:novalidate=true>
                <input type="hidden" name="id" value=id />
                <div class="editor-fields">
                    <TextField label=t.name name="name" value=name
                        autocomplete="off" error=Signal::derive(move || errors.get().name) />
                    <TextField label=t.username name="username" value=username locked_by=lock
                        autocomplete="off" error=Signal::derive(move || errors.get().username) />
                    <TextField label=t.email name="email" kind="email" value=email locked_by=own_lock
                        autocomplete="off" error=Signal::derive(move || errors.get().email) />
                    <TextField label=t.phone name="phone" kind="tel" value=phone
                        autocomplete="off" error=Signal::derive(move || errors.get().phone) />
                    <TextField label=t.mobile name="mobile" kind="tel" value=mobile locked_by=own_lock
                        autocomplete="off" error=Signal::derive(move || errors.get().mobile) />
                    <TextField label=t.password name="password" kind="password" value=String::new()
                        autocomplete="new-password" hint=password_hint locked_by=own_lock
                        error=Signal::derive(move || errors.get().password) />
                </div>
                <div class="field checkbox">
                    // A checkbox cannot be read-only: a locked one is disabled, and its
                    // value travels in a hidden field so the save sees it unchanged.
                    <input id="person-active" type="checkbox" name=lock.is_none().then_some("active")
                        checked=active disabled=lock.is_some() aria-describedby=lock />
                    <label for="person-active">{t.active}</label>
                    {(lock.is_some() && active).then(|| view! { <input type="hidden" name="active" value="on" /> })}
                </div>
                {locked_by.map(|line| view! { <p id="sign-in-locked" class="hint">{line}</p> })}
                {own.then(|| view! {
                    <p id="own-details" class="hint">
                        {t.own_details}
                        <a href=crate::routes::ACCOUNT>{t.my_account}</a>{t.own_details_end}
                    </p>
                })}
                <p class="form-error" role="alert">{refusal}</p>
                <div class="actions">
                    <SubmitButton label=t.save pending />
                    <a href=cancel>{t.cancel}</a>
                </div>
            </ActionForm>
            {resettable.map(|id| view! { <crate::pages::methods::ResetMethods id locked_by=lock /> })}
        </section>
    }
}
