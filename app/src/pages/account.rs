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
    let texts = crate::i18n::t();
    let t = &texts.account.details;
    view! {
        <Title text=texts.nav.my_account />
        <h1>{texts.nav.my_account}</h1>
        <Suspense fallback=Loading>
            {move || {
                let contact_typed = contact_typed.clone();
                Suspend::new(async move {
                match account.await {
                    Ok(me) => Either::Left(view! {
                        <dl class="details">
                            <dt>{t.name}</dt><dd>{me.name}</dd>
                            <dt>{t.username}</dt><dd>{me.username}</dd>
                            <dt>{t.email}</dt><dd>{or_dash(me.email.clone())}</dd>
                            <dt>{t.mobile}</dt><dd>{or_dash(me.mobile.clone())}</dd>
                        </dl>
                        <ContactForm change=contact typed=contact_typed
                            email=me.email.unwrap_or_default() mobile=me.mobile.unwrap_or_default() />
                    }),
                    Err(error) => Either::Right(view! {
                        <p class="form-error" role="alert">{error.text().to_string()}</p>
                    }),
                }
            })
            }}
        </Suspense>
        <LanguageForm />
        <crate::pages::methods::MyMethods />
        <MyTrusted />
        <PasswordForm />
    }
}

/// **Language** (spec §1): the language pages, mail and text messages to this person are
/// written in. A plain form, as the Language menu is, to the same server function: the
/// page comes back in the language chosen.
#[component]
fn LanguageForm() -> impl IntoView {
    use crate::account::language::ChooseLanguage;
    use crate::i18n::Lang;
    use leptos::server_fn::ServerFn;
    let t = &crate::i18n::t().language;
    let current = crate::i18n::use_lang();
    let sending = RwSignal::new(false);
    view! {
        <section class="panel" aria-labelledby="language-heading">
            <h2 id="language-heading">{t.label}</h2>
            <form method="post" action=ChooseLanguage::PATH on:submit=move |_| sending.set(true)>
                <div class="field">
                    <label for="account-language">{t.label}</label>
                    <select id="account-language" name="language" aria-describedby="account-language-hint">
                        {Lang::ALL.map(|lang| view! {
                            <option value=lang.code() lang=lang.code() selected=lang == current>
                                {lang.own_name()}
                            </option>
                        })}
                    </select>
                    <p id="account-language-hint" class="hint">{t.hint}</p>
                </div>
                <button type="submit" class="primary-inline" aria-busy=move || sending.get().then_some("true")>
                    {t.save}
                </button>
            </form>
        </section>
    }
}

#[component]
fn MyTrusted() -> impl IntoView {
    let changes = use_trust_changes();
    let mine = Resource::new(move || changes.get(), |_| my_trusted());
    let t = &crate::i18n::t().account.trusted;
    view! {
        <section class="panel wide" aria-labelledby="my-trusted-heading">
            <h2 id="my-trusted-heading">{t.my_heading}</h2>
            <p class="lead">{t.my_lead}</p>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match mine.await {
                        Ok(page) => Either::Left(view! {
                            <TrustedTable
                                rows=page.rows
                                now=page.now
                                show_person=false
                                delete=DeleteTarget::MyEntry
                                caption=t.my_heading
                            />
                        }),
                        Err(error) => Either::Right(view! { <ErrorLine text=error.text().to_string() /> }),
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
    let texts = &crate::i18n::t().account;
    let t = &texts.contact;
    let outcome = move || match change.value().get() {
        Some(Ok(ContactChange::Changed)) => Some(Ok(t.saved)),
        Some(Ok(ContactChange::Unchanged)) => Some(Ok(t.nothing_changed)),
        Some(Err(error)) => Some(Err(error.text().to_string())),
        _ => None,
    };
    view! {
        <section class="panel" aria-labelledby="contact-heading">
            <h2 id="contact-heading">{t.heading}</h2>
            <p class="lead">{t.lead}</p>
            <ActionForm action=change attr:novalidate=true>
                <TextField label=t.email name="email" id="contact-email" kind="email" value=email autocomplete="email"
                    error=Signal::derive(move || errors.get().email) />
                <TextField label=t.mobile name="mobile" id="contact-mobile" kind="tel" value=mobile autocomplete="tel"
                    error=Signal::derive(move || errors.get().mobile) />
                <TextField label=texts.current_password name="current" id="contact-current" kind="password"
                    value=String::new() autocomplete="current-password"
                    error=Signal::derive(move || errors.get().current) />
                {move || match outcome() {
                    Some(Ok(text)) => Either::Left(view! { <p class="success" role="status">{text}</p> }),
                    Some(Err(text)) => Either::Right(view! { <p class="form-error" role="alert">{text}</p> }),
                    None => Either::Left(view! { <p class="success" role="status">{""}</p> }),
                }}
                <SubmitButton label=t.save pending />
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
    let texts = &crate::i18n::t().account;
    let t = &texts.password;
    let outcome = move || match change.value().get() {
        Some(Ok(PasswordChange::Changed)) => Some(Ok(t.changed)),
        Some(Err(error)) => Some(Err(error.text().to_string())),
        _ => None,
    };
    view! {
        <section class="panel" aria-labelledby="password-heading">
            <h2 id="password-heading">{t.heading}</h2>
            <ActionForm action=change>
                <TextField label=texts.current_password name="current" kind="password" value=String::new()
                    autocomplete="current-password" error=Signal::derive(move || errors.get().current) />
                <TextField label=t.new_password name="new" kind="password" value=String::new()
                    autocomplete="new-password" hint=crate::limits::password_hint(crate::i18n::use_lang())
                    error=Signal::derive(move || errors.get().new) />
                {move || match outcome() {
                    Some(Ok(text)) => Either::Left(view! { <p class="success" role="status">{text}</p> }),
                    Some(Err(text)) => Either::Right(view! { <p class="form-error" role="alert">{text}</p> }),
                    None => Either::Left(view! { <p class="success" role="status">{""}</p> }),
                }}
                <SubmitButton label=t.submit pending />
            </ActionForm>
        </section>
    }
}
