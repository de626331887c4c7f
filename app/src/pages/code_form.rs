//! Sign in, step 2 (spec §1): **Use a passkey** for a person who has one, else the
//! security code, **Trust this IP**, **Verify**; and the other ways to answer: **Send a
//! new code**, **Email me a code instead** (or **Text me a code instead**), **Use a
//! recovery code**; **Cancel** goes back to step 1.

use crate::auth::{CancelCode, ChangeWay, ResendCode, VerifyCode};
use crate::auth::{CodeOutcome, CodePrompt, OtherWay, SendBy, Way};
use crate::limits::CODE_LIFETIME_SECONDS;
use crate::pages::passkey_prompt::{self, PasskeyButton};
use crate::pages::widgets::{SubmitButton, go_to};
use leptos::lazy;
use leptos::prelude::*;

/// Step 2 in a WASM file of its own (`cargo leptos build --split`): most sign-ins never
/// show it, so the sign-in page fetches its code only once a password has been sent.
#[lazy]
pub fn code_step(prompt: CodePrompt, back_to_password: Callback<Option<String>>) -> AnyView {
    view! { <CodeForm prompt back_to_password /> }.into_any()
}

/// Before the browser takes over a page the server drew at step 2 (the sign-in form was
/// posted before the app had loaded, or a language was chosen at step 2), fetches step
/// 2's code: a lazy view whose code is still on its way hydrates as if it drew nothing,
/// which does not match the form the server drew, and the page would never come alive.
#[cfg(feature = "hydrate")]
pub async fn load_if_drawn() {
    use leptos::server_fn::ServerFn;
    let selector = format!("form[action=\"{}\"]", VerifyCode::PATH);
    let drawn = leptos::prelude::document()
        .query_selector(&selector)
        .ok()
        .flatten()
        .is_some();
    if drawn {
        // The loader `#[lazy]` makes beside `code_step` (what `lazy_preload!` calls).
        let _ = __preload_code_step().await;
    }
}

/// The line under the heading: where the code went, or where to find one.
fn where_the_code_is(way: &Way) -> AnyView {
    let lang = crate::i18n::use_lang();
    let t = &lang.texts().code;
    match way {
        Way::Sent { to } => view! {
            {t.sent_to} <strong>{to.clone()}</strong>
            {(t.works_once_for)(&crate::time_text::duration(lang, CODE_LIFETIME_SECONDS))}
        }
        .into_any(),
        Way::App => t.open_app.into_any(),
        Way::Recovery => t.recovery_hint.into_any(),
        Way::Passkey => t.passkey_hint.into_any(),
    }
}

/// `prompt.may_trust`: whether **Trust this IP** is offered (the server refuses it for a
/// trusted proxy's own address and for a recovery code, so the box is not shown then).
#[component]
pub fn CodeForm(prompt: CodePrompt, back_to_password: Callback<Option<String>>) -> impl IntoView {
    let verify = ServerAction::<VerifyCode>::new();
    let resend = ServerAction::<ResendCode>::new();
    let change = ServerAction::<ChangeWay>::new();
    // The answer to a step-2 form the browser posted itself, shown beside its control.
    crate::form_post::restore(verify);
    crate::form_post::restore(resend);
    crate::form_post::restore(change);
    let cancel = ServerAction::<CancelCode>::new();
    let t = &crate::i18n::t().code;
    let prompt = RwSignal::new(prompt);
    let verifying = verify.pending();
    let changing = change.pending();

    // Where each answer leads: on, back to step 1, another way, or a message next to its
    // control. (Only answers to this page's own sends: a restored answer was followed by
    // the server.)
    let follow = move |outcome: CodeOutcome| match outcome {
        CodeOutcome::SignedIn { next } => go_to(&next),
        CodeOutcome::Restart { message } => back_to_password.run(Some(message)),
        CodeOutcome::Resent { sent_to: to } => prompt.update(|p| p.way = Way::Sent { to }),
        CodeOutcome::Switched(now) => prompt.set(now),
        CodeOutcome::Refused { .. } => {}
    };
    for (value, version) in [
        (verify.value(), verify.version()),
        (resend.value(), resend.version()),
        (change.value(), change.version()),
    ] {
        Effect::new(move |_| {
            if let Some(Ok(outcome)) = value.get()
                && version.get_untracked() > 0
            {
                follow(outcome);
            }
        });
    }
    // A new way asks for a fresh answer: the last one's refusal no longer applies.
    Effect::new(move |_| {
        if change.version().get() > 0 || resend.version().get() > 0 {
            verify.value().set(None);
        }
    });
    let code_error = move || match verify.value().get() {
        Some(Ok(CodeOutcome::Refused { message })) => Some(message),
        Some(Err(error)) => Some(error.text().to_string()),
        _ => None,
    };
    let status = move || {
        let answer = |value: Option<Result<CodeOutcome, crate::error::AppError>>| match value {
            Some(Ok(CodeOutcome::Resent { .. })) => Some(t.new_code_on_its_way.to_string()),
            Some(Ok(CodeOutcome::Switched(CodePrompt {
                way: Way::Sent { .. },
                ..
            }))) => Some(t.code_on_its_way.to_string()),
            Some(Ok(CodeOutcome::Refused { message })) => Some(message),
            Some(Err(error)) => Some(error.text().to_string()),
            _ => None,
        };
        // The newer of the two answers speaks.
        if change.version().get() >= resend.version().get() && change.value().get().is_some() {
            answer(change.value().get())
        } else {
            answer(resend.value().get())
        }
    };
    let recovery = move || prompt.with(|p| p.way == Way::Recovery);
    let by_passkey = move || prompt.with(|p| p.way == Way::Passkey);
    // **Use a passkey**: the server's challenge, the browser's prompt, the answer. A
    // cancelled prompt is sent too: it counts as a wrong answer, as a wrong code does.
    let passkey_busy = RwSignal::new(false);
    let passkey_error = RwSignal::new(None::<String>);
    let use_passkey = Callback::new(move |()| {
        if passkey_busy.get_untracked() {
            return;
        }
        passkey_busy.set(true);
        passkey_error.set(None);
        leptos::task::spawn_local(async move {
            let outcome = match crate::auth::passkey_step_two_options().await {
                Ok(Some(options)) => {
                    let answer = passkey_prompt::get(&options).await.unwrap_or_default();
                    crate::auth::answer_with_passkey(answer).await
                }
                Ok(None) => Ok(CodeOutcome::Restart {
                    message: t.code_spent.to_string(),
                }),
                Err(error) => Err(error),
            };
            passkey_busy.set(false);
            match outcome {
                Ok(CodeOutcome::Refused { message }) => passkey_error.set(Some(message)),
                Ok(outcome) => follow(outcome),
                Err(error) => passkey_error.set(Some(error.text().to_string())),
            }
        });
    });

    view! {
        <h1 id="signin-heading">
            {move || if by_passkey() { t.heading_passkey } else { t.heading }}
        </h1>
        <p class="lead" id="code-sent-to">
            {move || prompt.with(|p| where_the_code_is(&p.way))}
        </p>
        <Show when=by_passkey>
            <div class="passkey-step">
                <PasskeyButton
                    id="use-passkey"
                    label=t.use_passkey
                    busy=passkey_busy.into()
                    error=passkey_error.into()
                    on_press=use_passkey
                />
            </div>
        </Show>
        <ActionForm action=verify attr:hidden=move || by_passkey().then_some("hidden")>
            <CodeField recovery=Signal::derive(recovery) error=Signal::derive(code_error) />
            <Show when=move || prompt.with(|p| p.may_trust)>
                <div class="field">
                    <div class="check">
                        <input id="trust" name="trust" type="checkbox" value="on" aria-describedby="trust-hint" />
                        <label for="trust">{t.trust_this_ip}</label>
                    </div>
                    <p id="trust-hint" class="hint">
                        {t.trust_hint}
                    </p>
                </div>
            </Show>
            <SubmitButton label=t.verify pending=verifying class="primary" />
        </ActionForm>
        <div class="code-actions">
            {move || view! { <OtherWays prompt=prompt.get() resend change /> }}
            <a
                href="/login"
                on:click=move |event| {
                    event.prevent_default();
                    cancel.dispatch(CancelCode {});
                    back_to_password.run(None);
                }
            >
                {t.cancel}
            </a>
        </div>
        <p id="code-status" class="status-line" role="status" aria-busy=move || changing.get().then_some("true")>
            {status}
        </p>
    }
}

/// The **Security code** field: digits for a sent or app code, text for a recovery code.
#[component]
fn CodeField(recovery: Signal<bool>, error: Signal<Option<String>>) -> impl IntoView {
    let t = &crate::i18n::t().code;
    view! {
        <div class="field">
            <label for="code">{t.security_code}</label>
            <input
                id="code"
                name="code"
                autocomplete=move || if recovery.get() { "off" } else { "one-time-code" }
                inputmode=move || if recovery.get() { "text" } else { "numeric" }
                pattern=move || (!recovery.get()).then_some("[0-9 ]*")
                autocapitalize="none"
                spellcheck="false"
                maxlength=move || if recovery.get() { "24" } else { "12" }
                required
                autofocus
                aria-describedby="code-sent-to code-error"
                aria-invalid=move || error.get().is_some().then_some("true")
            />
            <p id="code-error" class="field-error" role="alert">
                {move || error.get()}
            </p>
        </div>
    }
}

/// **Send a new code** while a sent code is asked for, and the ways the person has
/// besides the one asked for now.
#[component]
fn OtherWays(
    prompt: CodePrompt,
    resend: ServerAction<ResendCode>,
    change: ServerAction<ChangeWay>,
) -> impl IntoView {
    let t = &crate::i18n::t().code;
    let resending = resend.pending();
    let sent = matches!(prompt.way, Way::Sent { .. });
    let send_instead = prompt.can_send.filter(|_| !sent).map(|by| match by {
        SendBy::Email => t.email_instead,
        SendBy::Sms => t.text_instead,
    });
    view! {
        {(prompt.has_passkey && prompt.way != Way::Passkey)
            .then(|| view! { <WayButton change to=OtherWay::Passkey label=t.use_passkey /> })}
        {sent.then(|| view! {
            <ActionForm action=resend>
                <button
                    type="submit"
                    class="quiet"
                    disabled=move || resending.get()
                    aria-busy=move || resending.get().then_some("true")
                    aria-describedby="code-status"
                >
                    {t.send_new_code}
                </button>
            </ActionForm>
        })}
        {send_instead.map(|label| view! { <WayButton change to=OtherWay::Send label /> })}
        {(prompt.has_recovery && prompt.way != Way::Recovery)
            .then(|| view! { <WayButton change to=OtherWay::Recovery label=t.use_recovery /> })}
        {(prompt.has_app && matches!(prompt.way, Way::Recovery | Way::Passkey))
            .then(|| view! { <WayButton change to=OtherWay::App label=t.use_app /> })}
    }
}

/// One of step 2's other ways, as a form of its own (so it works before the page's code
/// has loaded): disabled and marked busy while any change of way is under way.
#[component]
fn WayButton(change: ServerAction<ChangeWay>, to: OtherWay, label: &'static str) -> impl IntoView {
    let changing = change.pending();
    view! {
        <ActionForm action=change>
            <input type="hidden" name="to" value=to.as_str() />
            <button
                type="submit"
                class="quiet"
                disabled=move || changing.get()
                aria-busy=move || changing.get().then_some("true")
                aria-describedby="code-status"
            >
                {label}
            </button>
        </ActionForm>
    }
}
