//! Sign in (spec §1): step 1 (Username, Password) and, when two-step authentication asks
//! for it, step 2 (the security code). One page, so the address never says which step.

use crate::account::language::ChooseLanguage;
use crate::auth::{
    ChangeWay, CodeOutcome, CodePrompt, Login, LoginOutcome, PROMPT_FIELD, ResendCode, VerifyCode,
};
use crate::form_post::{self, PostedAnswer};
use crate::pages::code_form::code_step;
use crate::pages::passkey_prompt::PasskeyButton;
use crate::pages::widgets::{SubmitButton, go_to};
use leptos::lazy;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Password,
    /// Step 2, as the server asked for it.
    Code(CodePrompt),
}

/// The step a page load after a form the browser posted itself opens at, and why step 2
/// ended if it did. Without such a post: step 1.
fn posted_step(login: ServerAction<Login>) -> (Step, Option<String>, Option<PostedAnswer>) {
    let typed = form_post::restore(login);
    if let Some(Ok(LoginOutcome::CodeRequired(prompt))) = login.value().get_untracked() {
        return (Step::Code(prompt), None, None);
    }
    // A language chosen from the menu at step 2: back at step 2.
    let waiting = form_post::posted::<ChooseLanguage>().and_then(|(_, answer)| {
        answer
            .field(PROMPT_FIELD)
            .and_then(|json| serde_json::from_str::<CodePrompt>(json).ok())
    });
    if let Some(prompt) = waiting {
        return (Step::Code(prompt), None, None);
    }
    // Step 2's forms: their answers are shown by the code form itself.
    let step_two = form_post::posted::<VerifyCode>()
        .or_else(form_post::posted::<ResendCode>)
        .or_else(form_post::posted::<ChangeWay>);
    match step_two {
        Some((CodeOutcome::Restart { message }, _)) => (Step::Password, Some(message), None),
        Some((_, answer)) => match answer
            .field(PROMPT_FIELD)
            .and_then(|json| serde_json::from_str::<CodePrompt>(json).ok())
        {
            Some(prompt) => (Step::Code(prompt), None, None),
            None => (Step::Password, None, typed),
        },
        _ => (Step::Password, None, typed),
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let (first_step, first_notice, typed) = posted_step(login);
    let step = RwSignal::new(first_step);
    // Why step 2 ended and the person is back at step 1 (a used-up code).
    let notice = RwSignal::new(first_notice);
    let username = typed.and_then(|answer| answer.field("username").map(str::to_string));
    // Step 2's code travels while the password is checked, not after.
    Effect::new(move |_| {
        if login.pending().get() {
            let _ = leptos::lazy_preload!(crate::pages::code_form::code_step);
        }
    });
    // Answers to this page's own sends (a restored answer already chose the first step).
    Effect::new(move |_| {
        match login
            .value()
            .get()
            .filter(|_| login.version().get_untracked() > 0)
        {
            Some(Ok(LoginOutcome::SignedIn { next })) => go_to(&next),
            Some(Ok(LoginOutcome::CodeRequired(prompt))) => step.set(Step::Code(prompt)),
            _ => {}
        }
    });
    let back_to_password = Callback::new(move |message: Option<String>| {
        notice.set(message);
        login.value().set(None);
        step.set(Step::Password);
    });

    let t = crate::i18n::t();
    view! {
        <Title text=t.sign_in.title />
        <main class="signin">
            <section class="card" aria-labelledby="signin-heading">
                <p class="brand-mark">"Twostep"</p>
                {move || match step.get() {
                    Step::Password => view! { <PasswordForm login notice username=username.clone() /> }.into_any(),
                    // A step 2 the server drew is hydrated with its code already
                    // loaded (`code_form::load_if_drawn`), so this is ready at once.
                    Step::Code(prompt) => {
                        let form = code_step(prompt, back_to_password);
                        Suspend::new(form).into_any()
                    }
                }}
            </section>
        </main>
    }
}

#[component]
fn PasswordForm(
    login: ServerAction<Login>,
    notice: RwSignal<Option<String>>,
    /// What was typed before a refusal of a form the browser posted itself.
    username: Option<String>,
) -> impl IntoView {
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let pending = login.pending();
    let error = move || match login.value().get() {
        Some(Ok(LoginOutcome::Refused { message })) => Some(message),
        Some(Err(error)) => Some(error.text().to_string()),
        _ => notice.get(),
    };
    // A new attempt replaces the reason the last one ended.
    Effect::new(move |_| {
        if pending.get() {
            notice.set(None);
        }
    });

    let t = crate::i18n::t();
    view! {
        <h1 id="signin-heading">{t.sign_in.title}</h1>
        <ActionForm action=login>
            <input type="hidden" name="next" value=next />
            <div class="field">
                <label for="username">{t.sign_in.username}</label>
                <input
                    id="username"
                    name="username"
                    autocomplete="username"
                    value=username
                    autocapitalize="none"
                    spellcheck="false"
                    required
                    maxlength="256"
                />
            </div>
            <div class="field">
                <label for="password">{t.sign_in.password}</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                    maxlength="256"
                    aria-describedby="signin-error"
                    aria-invalid=move || error().is_some().then_some("true")
                />
            </div>
            <p id="signin-error" class="form-error" role="alert">
                {error}
            </p>
            <SubmitButton label=t.sign_in.submit pending class="primary" />
        </ActionForm>
        <PasskeySignIn next=Signal::derive(next) />
    }
}

/// **Sign in with a passkey** (no username, no password, no code), in a WASM file of its
/// own: fetched on the first press, so the sign-in page stays small.
#[lazy]
async fn sign_in_with_a_passkey(next: String) -> Result<LoginOutcome, String> {
    let ask = crate::auth::passkey_sign_in_options()
        .await
        .map_err(|error| error.text().to_string())?;
    let Some(answer) = crate::pages::passkey_prompt::get(&ask.options).await else {
        return Err(crate::i18n::t().sign_in.no_passkey_used.to_string());
    };
    crate::auth::sign_in_with_passkey(answer, ask.challenge, Some(next))
        .await
        .map_err(|error| error.text().to_string())
}

#[component]
fn PasskeySignIn(next: Signal<String>) -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let press = Callback::new(move |()| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let next = next.get_untracked();
        leptos::task::spawn_local(async move {
            let outcome = sign_in_with_a_passkey(next).await;
            busy.set(false);
            match outcome {
                Ok(LoginOutcome::SignedIn { next }) => go_to(&next),
                Ok(LoginOutcome::Refused { message }) | Err(message) => error.set(Some(message)),
                // A passkey alone is a whole sign-in: never asked.
                Ok(LoginOutcome::CodeRequired(_)) => {}
            }
        });
    });
    let t = crate::i18n::t();
    view! {
        <div class="passkey-alone">
            <p class="divider" aria-hidden="true">{t.sign_in.or}</p>
            <PasskeyButton
                id="passkey-sign-in"
                label=t.sign_in.with_passkey
                busy=busy.into()
                error=error.into()
                on_press=press
                class="passkey wide"
            />
        </div>
    }
}
