//! My account (spec §1): the signed-in person's own details, authenticator app, recovery
//! codes, trusted IP addresses and password.

use crate::account::{
    ChangeContact, ChangePassword, ContactChange, ContactErrors, PasswordChange, PasswordErrors, my_account,
};
use crate::pages::live::use_trust_changes;
use crate::pages::trusted_table::{DeleteTarget, TrustedTable};
use crate::pages::widgets::{ErrorLine, Loading, SubmitButton, TextField};
use crate::trusted_networks::my_trusted;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountPage() -> impl IntoView {
    let account = Resource::new(|| (), |_| my_account());
    // Made here, outside the Suspense: whatever a page makes while its data resolves
    // would be numbered in the order the data happens to arrive, and the browser then
    // hydrates another page than the one rendered.
    let contact = ServerAction::<ChangeContact>::new();
    let contact_typed = crate::form_post::restore(contact);
    let or_dash = |value: Option<String>| value.filter(|v| !v.is_empty()).unwrap_or_else(|| "—".into());
    view! {
        <Title text="My account" />
        <h1>"My account"</h1>
        <Suspense fallback=Loading>
            {move || {
                let contact_typed = contact_typed.clone();
                Suspend::new(async move {
                match account.await {
                    Ok(me) => Either::Left(view! {
                        <dl class="details">
                            <dt>"Name"</dt><dd>{me.name}</dd>
                            <dt>"Username"</dt><dd>{me.username}</dd>
                            <dt>"Email"</dt><dd>{or_dash(me.email.clone())}</dd>
                            <dt>"Mobile"</dt><dd>{or_dash(me.mobile.clone())}</dd>
                        </dl>
                        <ContactForm change=contact typed=contact_typed
                            email=me.email.unwrap_or_default() mobile=me.mobile.unwrap_or_default() />
                    }),
                    Err(error) => Either::Right(view! {
                        <p class="form-error" role="alert">{error.to_string()}</p>
                    }),
                }
            })
            }}
        </Suspense>
        <crate::pages::methods::MyMethods />
        <MyTrusted />
        <PasswordForm />
    }
}

#[component]
fn MyTrusted() -> impl IntoView {
    let changes = use_trust_changes();
    let mine = Resource::new(move || changes.get(), |_| my_trusted());
    view! {
        <section class="panel wide" aria-labelledby="my-trusted-heading">
            <h2 id="my-trusted-heading">"My trusted IP addresses"</h2>
            <p class="lead">"From these addresses you sign in with your password alone until the entry expires."</p>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match mine.await {
                        Ok(page) => Either::Left(view! {
                            <TrustedTable
                                rows=page.rows
                                now=page.now
                                show_person=false
                                delete=DeleteTarget::MyEntry
                                caption="My trusted IP addresses"
                            />
                        }),
                        Err(error) => Either::Right(view! { <ErrorLine text=error.to_string() /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Email and Mobile, changed with the current password typed in the same form (spec §1
/// "Asking again for the password").
#[component]
fn ContactForm(
    change: ServerAction<ChangeContact>,
    /// What a form posted without JavaScript sent, shown again with the reasons.
    typed: Option<crate::form_post::PostedAnswer>,
    email: String,
    mobile: String,
) -> impl IntoView {
    let shown = |name: &str, stored: String| {
        typed
            .as_ref()
            .and_then(|t| t.field(name))
            .map(str::to_string)
            .unwrap_or(stored)
    };
    let (email, mobile) = (shown("email", email), shown("mobile", mobile));
    let pending = change.pending();
    let errors = Memo::new(move |_| match change.value().get() {
        Some(Ok(ContactChange::Invalid(errors))) => errors,
        _ => ContactErrors::default(),
    });
    let outcome = move || match change.value().get() {
        Some(Ok(ContactChange::Changed)) => Some(Ok(
            "Saved. Your trusted IP addresses were removed, and a notice was mailed to you.",
        )),
        Some(Ok(ContactChange::Unchanged)) => Some(Ok("Nothing changed.")),
        Some(Err(error)) => Some(Err(error.to_string())),
        _ => None,
    };
    view! {
        <section class="panel" aria-labelledby="contact-heading">
            <h2 id="contact-heading">"Email and mobile"</h2>
            <p class="lead">"Codes are sent here. A change removes your trusted IP addresses."</p>
            <ActionForm action=change attr:novalidate=true>
                <TextField label="Email" name="email" id="contact-email" kind="email" value=email autocomplete="email"
                    error=Signal::derive(move || errors.get().email) />
                <TextField label="Mobile" name="mobile" id="contact-mobile" kind="tel" value=mobile autocomplete="tel"
                    error=Signal::derive(move || errors.get().mobile) />
                <TextField label="Current password" name="current" id="contact-current" kind="password"
                    value=String::new() autocomplete="current-password"
                    error=Signal::derive(move || errors.get().current) />
                {move || match outcome() {
                    Some(Ok(text)) => Either::Left(view! { <p class="success" role="status">{text}</p> }),
                    Some(Err(text)) => Either::Right(view! { <p class="form-error" role="alert">{text}</p> }),
                    None => Either::Left(view! { <p class="success" role="status">{""}</p> }),
                }}
                <SubmitButton label="Save email and mobile" pending />
            </ActionForm>
        </section>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    crate::form_post::restore(change);
    let pending = change.pending();
    let errors = Memo::new(move |_| match change.value().get() {
        Some(Ok(PasswordChange::Invalid(errors))) => errors,
        _ => PasswordErrors::default(),
    });
    let outcome = move || match change.value().get() {
        Some(Ok(PasswordChange::Changed)) => {
            Some(Ok("Your password was changed. Your other sessions have ended."))
        }
        Some(Err(error)) => Some(Err(error.to_string())),
        _ => None,
    };
    view! {
        <section class="panel" aria-labelledby="password-heading">
            <h2 id="password-heading">"Change password"</h2>
            <ActionForm action=change>
                <TextField label="Current password" name="current" kind="password" value=String::new()
                    autocomplete="current-password" error=Signal::derive(move || errors.get().current) />
                <TextField label="New password" name="new" kind="password" value=String::new()
                    autocomplete="new-password" hint=crate::limits::password_hint()
                    error=Signal::derive(move || errors.get().new) />
                {move || match outcome() {
                    Some(Ok(text)) => Either::Left(view! { <p class="success" role="status">{text}</p> }),
                    Some(Err(text)) => Either::Right(view! { <p class="form-error" role="alert">{text}</p> }),
                    None => Either::Left(view! { <p class="success" role="status">{""}</p> }),
                }}
                <SubmitButton label="Change password" pending />
            </ActionForm>
        </section>
    }
}
