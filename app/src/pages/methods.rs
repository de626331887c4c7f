//! My account's **Authenticator app** and **Recovery codes** sections, and the Personnel
//! editor's **Reset two-step methods** (spec §1). Every control is a form, so each works
//! before the page's code has loaded.

use crate::pages::widgets::{ErrorLine, Loading, SubmitButton, TextField};
use crate::sign_in_methods::{
    AppStatus, ConfirmApp, CreateRecoveryCodes, MethodOutcome, RecoveryOutcome, RemoveApp,
    ResetTwoStepMethods, SetUpApp, my_methods, recovery_codes_left,
};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;

/// Both My account sections, over one read of the person's methods that every action
/// here refreshes.
#[component]
pub fn MyMethods() -> impl IntoView {
    let set_up = ServerAction::<SetUpApp>::new();
    let confirm = ServerAction::<ConfirmApp>::new();
    let remove = ServerAction::<RemoveApp>::new();
    let create = ServerAction::<CreateRecoveryCodes>::new();
    crate::form_post::restore(set_up);
    crate::form_post::restore(confirm);
    crate::form_post::restore(remove);
    crate::form_post::restore(create);
    let methods = Resource::new(
        move || {
            (
                set_up.version().get(),
                confirm.version().get(),
                remove.version().get(),
                create.version().get(),
            )
        },
        |_| my_methods(),
    );
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match methods.await {
                    Ok(methods) => Either::Left(view! {
                        <AppSection status=methods.app set_up confirm remove />
                        <RecoverySection left=methods.recovery_left create />
                    }),
                    Err(error) => Either::Right(view! { <ErrorLine text=error.to_string() /> }),
                }
            })}
        </Transition>
    }
}

/// The refusal in `outcome`, if any, for the line under the control that caused it.
fn refusal(outcome: Option<Result<MethodOutcome, crate::error::AppError>>) -> Option<String> {
    match outcome {
        Some(Ok(MethodOutcome::Refused { message })) => Some(message),
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    }
}

#[component]
fn AppSection(
    status: AppStatus,
    set_up: ServerAction<SetUpApp>,
    confirm: ServerAction<ConfirmApp>,
    remove: ServerAction<RemoveApp>,
) -> impl IntoView {
    let body = match status {
        AppStatus::Off => EitherOf3::A(view! {
            <p class="lead">
                "Sign in with a code from an app on your phone (such as Google Authenticator, \
                 Microsoft Authenticator or 1Password) instead of waiting for an email."
            </p>
            <ActionForm action=set_up>
                <CurrentPassword id="set-up-password" error=Signal::derive(move || refusal(set_up.value().get())) />
                <SubmitButton label="Set up" pending=set_up.pending() />
            </ActionForm>
        }),
        AppStatus::SettingUp { qr_svg, secret_text } => {
            let error = Signal::derive(move || refusal(confirm.value().get()));
            EitherOf3::B(view! {
                <p class="lead">
                    "Scan this QR code with your authenticator app, or type the key below into it. \
                     Then type the 6-digit code the app shows."
                </p>
                <figure class="qr" role="img" aria-label="QR code for your authenticator app" inner_html=qr_svg></figure>
                <p>"Key: " <code class="secret-key" data-testid="authenticator-secret">{secret_text}</code></p>
                <ActionForm action=confirm>
                    <TextField label="Security code" name="code" value=String::new()
                        autocomplete="one-time-code" error />
                    <SubmitButton label="Confirm" pending=confirm.pending() />
                </ActionForm>
            })
        }
        AppStatus::On => {
            let error = Signal::derive(move || refusal(remove.value().get()));
            EitherOf3::C(view! {
                <p class="success" role="status">
                    {match confirm.value().get_untracked() {
                        Some(Ok(MethodOutcome::Done)) => "Your authenticator app is on. Sign-in now asks for its code.",
                        _ => "Your authenticator app is on: sign-in asks for its code.",
                    }}
                </p>
                <ActionForm action=remove>
                    <CurrentPassword id="remove-app-password" error />
                    <SubmitButton label="Remove" pending=remove.pending() />
                </ActionForm>
            })
        }
    };
    view! {
        <section class="panel" aria-labelledby="app-heading">
            <h2 id="app-heading">"Authenticator app"</h2>
            {body}
        </section>
    }
}

#[component]
fn RecoverySection(left: Option<i64>, create: ServerAction<CreateRecoveryCodes>) -> impl IntoView {
    let count = match left {
        None => Either::Left(view! { <p>"You have no recovery codes."</p> }),
        Some(n) if n <= crate::limits::FEW_RECOVERY_CODES => Either::Right(view! {
            <p class="warning" role="status">{format!("{}. Create a new set.", recovery_codes_left(n))}</p>
        }),
        Some(n) => Either::Right(view! { <p role="status">{recovery_codes_left(n)}</p> }),
    };
    let shown = move || match create.value().get() {
        Some(Ok(RecoveryOutcome::Created(codes))) if !codes.is_empty() => Some(view! { <NewCodes codes /> }),
        _ => None,
    };
    let error = Signal::derive(move || match create.value().get() {
        Some(Ok(RecoveryOutcome::Refused { message })) => Some(message),
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    });
    view! {
        <section class="panel" aria-labelledby="recovery-heading">
            <h2 id="recovery-heading">"Recovery codes"</h2>
            <p class="lead">
                "For when your phone or email is out of reach: each code signs you in once, \
                 in place of a security code."
            </p>
            {count}
            {shown}
            <ActionForm action=create>
                {left.map(|_| view! { <p class="hint" id="create-hint">"A new set makes the old codes stop working."</p> })}
                <CurrentPassword id="create-codes-password" error />
                <SubmitButton label="Create" pending=create.pending() />
            </ActionForm>
        </section>
    }
}

/// The **Current password** field of a form that changes a way to sign in (spec §1
/// "Asking again for the password"), with the refusal under it. `id`: unique on the page.
#[component]
fn CurrentPassword(id: &'static str, #[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <TextField label="Current password" name="password" id kind="password" value=String::new()
            autocomplete="current-password" error />
    }
}

/// A new set, shown this once, to save as a file or print.
#[component]
fn NewCodes(codes: Vec<String>) -> impl IntoView {
    let file = format!(
        "Twostep recovery codes\n\nEach code signs you in once, in place of a security code.\n\n{}\n",
        codes.join("\n")
    );
    let download: String = format!(
        "data:text/plain;charset=utf-8,{}",
        form_urlencoded::byte_serialize(file.as_bytes())
            .collect::<String>()
            .replace('+', "%20")
    );
    view! {
        <div class="recovery-codes" aria-labelledby="new-codes-heading">
            <h3 id="new-codes-heading">"Your new recovery codes"</h3>
            <p class="warning">"Save or print them now: they are shown only this once."</p>
            <ol class="codes">
                {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
            </ol>
            <div class="actions">
                <a class="button" href=download download="twostep-recovery-codes.txt">"Download"</a>
                <button type="button" on:click=move |_| {
                    let _ = window().print();
                }>"Print"</button>
            </div>
        </div>
    }
}

/// **Reset two-step methods** for person `id` in the Personnel editor. `locked_by`: the
/// id of the line saying the viewer may not (the server refuses it either way).
#[component]
pub fn ResetMethods(id: i64, locked_by: Option<&'static str>) -> impl IntoView {
    let reset = ServerAction::<ResetTwoStepMethods>::new();
    crate::form_post::restore(reset);
    let pending = reset.pending();
    let outcome = move || match reset.value().get() {
        Some(Ok(MethodOutcome::Done)) => Either::Left(view! {
            <p class="success" role="status">
                "Two-step methods reset: the authenticator app, recovery codes and trusted IP addresses are gone, and their sessions have ended."
            </p>
        }),
        other => Either::Right(view! { <p class="form-error" role="alert">{refusal(other)}</p> }),
    };
    view! {
        <ActionForm action=reset>
            <input type="hidden" name="id" value=id />
            <p class="hint" id="reset-methods-hint">
                "Removes this person's authenticator app, recovery codes and trusted IP addresses, \
                 and signs them out: their next sign-in asks for a code sent to them."
            </p>
            <button
                type="submit"
                class="danger-inline"
                disabled=move || pending.get() || locked_by.is_some()
                aria-busy=move || pending.get().then_some("true")
                aria-describedby=locked_by.map(|l| format!("reset-methods-hint {l}")).unwrap_or_else(|| "reset-methods-hint".into())
            >
                "Reset two-step methods"
            </button>
            {outcome}
        </ActionForm>
    }
}
