//! Sign in, step 2 (spec §1): the security code, **Trust this IP**, **Verify**,
//! **Send a new code** and **Cancel**.

use crate::auth::CodeOutcome;
use crate::auth::{CancelCode, ResendCode, VerifyCode};
use crate::limits::CODE_LIFETIME_SECONDS;
use crate::pages::widgets::{SubmitButton, go_to};
use leptos::lazy;
use leptos::prelude::*;

/// Step 2 in a WASM file of its own (`cargo leptos build --split`): most sign-ins never
/// show it, so the sign-in page fetches its code only once a password has been sent.
#[lazy]
pub fn code_step(sent_to: String, may_trust: bool, back_to_password: Callback<Option<String>>) -> AnyView {
    view! { <CodeForm sent_to may_trust back_to_password /> }.into_any()
}

/// `may_trust`: whether **Trust this IP** is offered (the server refuses it for a
/// trusted proxy's own address, so the box is not shown there).
#[component]
pub fn CodeForm(
    sent_to: String,
    may_trust: bool,
    back_to_password: Callback<Option<String>>,
) -> impl IntoView {
    let verify = ServerAction::<VerifyCode>::new();
    let resend = ServerAction::<ResendCode>::new();
    // The answer to a step-2 form the browser posted itself, shown beside its control.
    crate::form_post::restore(verify);
    crate::form_post::restore(resend);
    let cancel = ServerAction::<CancelCode>::new();
    let sent_to = RwSignal::new(sent_to);
    let verifying = verify.pending();
    let resending = resend.pending();

    // Where each answer leads: on, back to step 1, or a message next to its control.
    // (Only answers to this page's own sends: a restored answer was followed by the server.)
    let follow = move |outcome: CodeOutcome| match outcome {
        CodeOutcome::SignedIn { next } => go_to(&next),
        CodeOutcome::Restart { message } => back_to_password.run(Some(message)),
        CodeOutcome::Resent { sent_to: to } => sent_to.set(to),
        CodeOutcome::Refused { .. } => {}
    };
    Effect::new(move |_| {
        if let Some(Ok(outcome)) = verify.value().get()
            && verify.version().get_untracked() > 0
        {
            follow(outcome);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(outcome)) = resend.value().get()
            && resend.version().get_untracked() > 0
        {
            follow(outcome);
        }
    });
    let code_error = move || match verify.value().get() {
        Some(Ok(CodeOutcome::Refused { message })) => Some(message),
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    };
    let resend_status = move || match resend.value().get() {
        Some(Ok(CodeOutcome::Resent { .. })) => {
            Some("A new code is on its way. Only the newest code works.".to_string())
        }
        Some(Ok(CodeOutcome::Refused { message })) => Some(message),
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    };

    view! {
        <h1 id="signin-heading">"Enter your security code"</h1>
        <p class="lead" id="code-sent-to">
            "We sent a code to " <strong>{move || sent_to.get()}</strong>
            {format!(". It works once, for {}.", crate::time_text::duration(CODE_LIFETIME_SECONDS))}
        </p>
        <ActionForm action=verify>
            <div class="field">
                <label for="code">"Security code"</label>
                <input
                    id="code"
                    name="code"
                    autocomplete="one-time-code"
                    inputmode="numeric"
                    pattern="[0-9 ]*"
                    maxlength="12"
                    required
                    autofocus
                    aria-describedby="code-sent-to code-error"
                    aria-invalid=move || code_error().is_some().then_some("true")
                />
                <p id="code-error" class="field-error" role="alert">
                    {code_error}
                </p>
            </div>
            {may_trust.then(|| view! {
                <div class="field">
                    <div class="check">
                        <input id="trust" name="trust" type="checkbox" value="on" aria-describedby="trust-hint" />
                        <label for="trust">"Trust this IP"</label>
                    </div>
                    <p id="trust-hint" class="hint">
                        "Tick it only on your office network, never on a shared or public one."
                    </p>
                </div>
            })}
            <SubmitButton label="Verify" pending=verifying class="primary" />
        </ActionForm>
        <div class="code-actions">
            <ActionForm action=resend>
                <button
                    type="submit"
                    class="quiet"
                    disabled=move || resending.get()
                    aria-busy=move || resending.get().then_some("true")
                    aria-describedby="resend-status"
                >
                    "Send a new code"
                </button>
            </ActionForm>
            <a
                href="/login"
                on:click=move |event| {
                    event.prevent_default();
                    cancel.dispatch(CancelCode {});
                    back_to_password.run(None);
                }
            >
                "Cancel"
            </a>
        </div>
        <p id="resend-status" class="status-line" role="status">
            {resend_status}
        </p>
    }
}
