//! My account's **Passkeys**, **Authenticator app** and **Recovery codes** sections, and
//! the Personnel editor's **Reset two-step methods** (spec §1). Every control is a form,
//! so each works before the page's code has loaded, but **Add a passkey**: a passkey is
//! made by the browser's own prompt, which needs the page's code.

use crate::pages::widgets::{ErrorLine, Loading, SubmitButton, TextField};

use crate::pages::local_time::LocalTime;
use crate::pages::passkey_prompt::{self, PasskeyButton};
use crate::sign_in_methods::{
    AddField, AppStatus, ConfirmApp, CreateRecoveryCodes, MethodOutcome, PasskeyRow, PasskeyStart,
    RecoveryOutcome, RemoveApp, RemovePasskey, RenamePasskey, ResetTwoStepMethods, SetUpApp, my_methods,
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
    let remove_passkey = ServerAction::<RemovePasskey>::new();
    let rename_passkey = ServerAction::<RenamePasskey>::new();
    // Bumped when a passkey was added (not a form: the browser's prompt makes it). Kept
    // here, above the sections the reload draws anew, as is the line that says so.
    let passkey_added = RwSignal::new(0u32);
    let passkey_note = RwSignal::new(None::<&'static str>);
    crate::form_post::restore(remove_passkey);
    crate::form_post::restore(rename_passkey);
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
                remove_passkey.version().get(),
                rename_passkey.version().get(),
                passkey_added.get(),
            )
        },
        |_| my_methods(),
    );
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                match methods.await {
                    Ok(methods) => Either::Left(view! {
                        <PasskeysSection passkeys=methods.passkeys now=methods.now added=passkey_added note=passkey_note
                            remove=remove_passkey rename=rename_passkey />
                        <AppSection status=methods.app set_up confirm remove />
                        <RecoverySection left=methods.recovery_left create />
                    }),
                    Err(error) => Either::Right(view! { <ErrorLine text=error.text().to_string() /> }),
                }
            })}
        </Transition>
    }
}

/// The refusal in `outcome`, if any, for the line under the control that caused it.
fn refusal(outcome: Option<Result<MethodOutcome, crate::error::AppError>>) -> Option<String> {
    match outcome {
        Some(Ok(MethodOutcome::Refused { message })) => Some(message),
        Some(Err(error)) => Some(error.text().to_string()),
        _ => None,
    }
}

/// **Passkeys**: the list (Name, Added, Last used), each with **Rename** and **Remove
/// <name>** (the latter asking for the current password), and **Add a passkey**.
#[component]
fn PasskeysSection(
    passkeys: Vec<PasskeyRow>,
    /// The server's clock when it listed them ("3 days ago").
    now: i64,
    added: RwSignal<u32>,
    note: RwSignal<Option<&'static str>>,
    remove: ServerAction<RemovePasskey>,
    rename: ServerAction<RenamePasskey>,
) -> impl IntoView {
    let t = &crate::i18n::t().account.passkeys;
    let list = if passkeys.is_empty() {
        Either::Left(view! { <p>{t.none}</p> })
    } else {
        Either::Right(view! {
            <table class="grid stack passkeys">
                <caption class="visually-hidden">{t.caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t.name}</th>
                        <th scope="col">{t.added}</th>
                        <th scope="col">{t.last_used}</th>
                        <th scope="col">{t.remove}</th>
                    </tr>
                </thead>
                <tbody>
                    {passkeys.into_iter().map(|passkey| view! { <PasskeyLine passkey now remove rename /> }).collect_view()}
                </tbody>
            </table>
        })
    };
    let removed_or_renamed_error =
        move || refusal(remove.value().get()).or_else(|| refusal(rename.value().get()));
    view! {
        <section class="panel wide" aria-labelledby="passkeys-heading">
            <h2 id="passkeys-heading">{t.heading}</h2>
            <p class="lead">{t.lead}</p>
            {list}
            {move || removed_or_renamed_error().map(|error| view! { <p class="form-error" role="alert">{error}</p> })}
            <AddPasskey added note />
        </section>
    }
}

/// One passkey's row. Its forms name it, so each button's name says which passkey.
#[component]
fn PasskeyLine(
    passkey: PasskeyRow,
    now: i64,
    remove: ServerAction<RemovePasskey>,
    rename: ServerAction<RenamePasskey>,
) -> impl IntoView {
    let PasskeyRow {
        id,
        name,
        added,
        last_used,
    } = passkey;
    let name_field = format!("passkey-{id}-name");
    let password_field = format!("passkey-{id}-password");
    let texts = &crate::i18n::t().account;
    let t = &texts.passkeys;
    let rename_label = format!(" {name}");
    let password_label = (t.password_to_remove)(&name);
    let remove_label = (t.remove_named)(&name);
    let current_name = name.clone();
    view! {
        <tr>
            <td data-label=t.name>
                <strong>{name}</strong>
                <details class="rename">
                    <summary>{t.rename}<span class="visually-hidden">{rename_label}</span></summary>
                    <ActionForm action=rename>
                        <input type="hidden" name="id" value=id />
                        <label for=name_field.clone()>{t.new_name}</label>
                        <input id=name_field name="name" value=current_name maxlength="60" required />
                        <SubmitButton label=t.save_name pending=rename.pending() />
                    </ActionForm>
                </details>
            </td>
            <td data-label=t.added><LocalTime at=added relative_to=Some(now) /></td>
            <td data-label=t.last_used>{match last_used {
                Some(at) => Either::Left(view! { <LocalTime at relative_to=Some(now) /> }),
                None => Either::Right(t.never),
            }}</td>
            <td class="actions">
                <ActionForm action=remove>
                    <input type="hidden" name="id" value=id />
                    <label for=password_field.clone() class="visually-hidden">{password_label}</label>
                    <input id=password_field name="password" type="password" autocomplete="current-password"
                        placeholder=texts.current_password required />
                    <button
                        type="submit"
                        class="danger-inline"
                        disabled=move || remove.pending().get()
                        aria-busy=move || remove.pending().get().then_some("true")
                    >
                        {remove_label}
                    </button>
                </ActionForm>
            </td>
        </tr>
    }
}

/// **Add a passkey**: a name and the current password, then the browser's prompt.
#[component]
fn AddPasskey(added: RwSignal<u32>, note: RwSignal<Option<&'static str>>) -> impl IntoView {
    let name = NodeRef::<leptos::html::Input>::new();
    let password = NodeRef::<leptos::html::Input>::new();
    let busy = RwSignal::new(false);
    let name_error = RwSignal::new(None::<String>);
    let password_error = RwSignal::new(None::<String>);
    let button_error = RwSignal::new(None::<String>);
    let texts = &crate::i18n::t().account;
    let t = &texts.passkeys;
    let press = Callback::new(move |()| {
        if busy.get_untracked() {
            return;
        }
        let (Some(name_input), Some(password_input)) = (name.get_untracked(), password.get_untracked())
        else {
            return;
        };
        let (typed_name, typed_password) = (name_input.value(), password_input.value());
        busy.set(true);
        note.set(None);
        for error in [name_error, password_error, button_error] {
            error.set(None);
        }
        leptos::task::spawn_local(async move {
            let outcome = match crate::sign_in_methods::begin_adding_passkey(typed_password, typed_name).await
            {
                Ok(PasskeyStart::Ask(options)) => {
                    let answer = passkey_prompt::create(&options).await.unwrap_or_default();
                    crate::sign_in_methods::finish_adding_passkey(answer)
                        .await
                        .map(|outcome| match outcome {
                            MethodOutcome::Done => None,
                            MethodOutcome::Refused { message } => Some((AddField::Button, message)),
                        })
                }
                Ok(PasskeyStart::Refused { field, message }) => Ok(Some((field, message))),
                Err(error) => Err(error),
            };
            busy.set(false);
            match outcome {
                Ok(None) => {
                    password_input.set_value("");
                    note.set(Some(t.added_note));
                    added.update(|n| *n += 1);
                }
                Ok(Some((AddField::Name, message))) => name_error.set(Some(message)),
                Ok(Some((AddField::Password, message))) => password_error.set(Some(message)),
                Ok(Some((AddField::Button, message))) => button_error.set(Some(message)),
                Err(error) => button_error.set(Some(error.text().to_string())),
            }
        });
    });
    view! {
        // Posted nowhere useful without the page's code, but never as a GET: the password
        // must not end up in an address.
        <form class="add-passkey" method="post" action="/api/begin_adding_passkey" on:submit=move |event| {
            event.prevent_default();
            press.run(());
        }>
            <h3>{t.add}</h3>
            <div class="field">
                <label for="passkey-name">{t.name}</label>
                <input id="passkey-name" name="name" node_ref=name value=t.default_name maxlength="60" required
                    aria-describedby="passkey-name-hint passkey-name-error"
                    aria-invalid=move || name_error.get().is_some().then_some("true") />
                <p id="passkey-name-hint" class="hint">{t.name_hint}</p>
                <p id="passkey-name-error" class="field-error">{move || name_error.get()}</p>
            </div>
            <div class="field">
                <label for="passkey-password">{texts.current_password}</label>
                <input id="passkey-password" name="password" type="password" node_ref=password
                    autocomplete="current-password" required
                    aria-describedby="passkey-password-error"
                    aria-invalid=move || password_error.get().is_some().then_some("true") />
                <p id="passkey-password-error" class="field-error">{move || password_error.get()}</p>
            </div>
            <PasskeyButton
                id="add-passkey"
                label=t.add
                busy=busy.into()
                error=button_error.into()
                on_press=press
            />
            <p class="success" role="status">{move || note.get()}</p>
        </form>
    }
}

#[component]
fn AppSection(
    status: AppStatus,
    set_up: ServerAction<SetUpApp>,
    confirm: ServerAction<ConfirmApp>,
    remove: ServerAction<RemoveApp>,
) -> impl IntoView {
    let t = &crate::i18n::t().account.app;
    let body = match status {
        AppStatus::Off => EitherOf3::A(view! {
            <p class="lead">{t.off_lead}</p>
            <ActionForm action=set_up>
                <CurrentPassword id="set-up-password" error=Signal::derive(move || refusal(set_up.value().get())) />
                <SubmitButton label=t.set_up pending=set_up.pending() />
            </ActionForm>
        }),
        AppStatus::SettingUp { qr_svg, secret_text } => {
            let error = Signal::derive(move || refusal(confirm.value().get()));
            EitherOf3::B(view! {
                <p class="lead">{t.scan}</p>
                <figure class="qr" role="img" aria-label=t.qr_label inner_html=qr_svg></figure>
                <p>{t.key} <code class="secret-key" data-testid="authenticator-secret">{secret_text}</code></p>
                <ActionForm action=confirm>
                    <TextField label=t.security_code name="code" value=String::new()
                        autocomplete="one-time-code" error />
                    <SubmitButton label=t.confirm pending=confirm.pending() />
                </ActionForm>
            })
        }
        AppStatus::On => {
            let error = Signal::derive(move || refusal(remove.value().get()));
            EitherOf3::C(view! {
                <p class="success" role="status">
                    {match confirm.value().get_untracked() {
                        Some(Ok(MethodOutcome::Done)) => t.now_on,
                        _ => t.on,
                    }}
                </p>
                <ActionForm action=remove>
                    <CurrentPassword id="remove-app-password" error />
                    <SubmitButton label=t.remove pending=remove.pending() />
                </ActionForm>
            })
        }
    };
    view! {
        <section class="panel" aria-labelledby="app-heading">
            <h2 id="app-heading">{t.heading}</h2>
            {body}
        </section>
    }
}

#[component]
fn RecoverySection(left: Option<i64>, create: ServerAction<CreateRecoveryCodes>) -> impl IntoView {
    let t = &crate::i18n::t().account.recovery;
    let count = match left {
        None => Either::Left(view! { <p>{t.none}</p> }),
        Some(n) if n <= crate::limits::FEW_RECOVERY_CODES => Either::Right(view! {
            <p class="warning" role="status">{(t.few_left)(n)}</p>
        }),
        Some(n) => Either::Right(view! { <p role="status">{(t.left)(n)}</p> }),
    };
    let shown = move || match create.value().get() {
        Some(Ok(RecoveryOutcome::Created(codes))) if !codes.is_empty() => Some(view! { <NewCodes codes /> }),
        _ => None,
    };
    let error = Signal::derive(move || match create.value().get() {
        Some(Ok(RecoveryOutcome::Refused { message })) => Some(message),
        Some(Err(error)) => Some(error.text().to_string()),
        _ => None,
    });
    view! {
        <section class="panel" aria-labelledby="recovery-heading">
            <h2 id="recovery-heading">{t.heading}</h2>
            <p class="lead">{t.lead}</p>
            {count}
            {shown}
            <ActionForm action=create>
                {left.map(|_| view! { <p class="hint" id="create-hint">{t.new_set_hint}</p> })}
                <CurrentPassword id="create-codes-password" error />
                <SubmitButton label=t.create pending=create.pending() />
            </ActionForm>
        </section>
    }
}

/// The **Current password** field of a form that changes a way to sign in (spec §1
/// "Asking again for the password"), with the refusal under it. `id`: unique on the page.
#[component]
fn CurrentPassword(id: &'static str, #[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    let t = &crate::i18n::t().account;
    view! {
        <TextField label=t.current_password name="password" id kind="password" value=String::new()
            autocomplete="current-password" error />
    }
}

/// A new set, shown this once, to save as a file or print.
#[component]
fn NewCodes(codes: Vec<String>) -> impl IntoView {
    let t = &crate::i18n::t().account.recovery;
    let file = format!("{}\n\n{}\n\n{}\n", t.file_title, t.file_line, codes.join("\n"));
    let download: String = format!(
        "data:text/plain;charset=utf-8,{}",
        form_urlencoded::byte_serialize(file.as_bytes())
            .collect::<String>()
            .replace('+', "%20")
    );
    view! {
        <div class="recovery-codes" aria-labelledby="new-codes-heading">
            <h3 id="new-codes-heading">{t.new_heading}</h3>
            <p class="warning">{t.save_now}</p>
            <ol class="codes">
                {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
            </ol>
            <div class="actions">
                <a class="button" href=download download="twostep-recovery-codes.txt">{t.download}</a>
                <button type="button" on:click=move |_| {
                    let _ = window().print();
                }>{t.print}</button>
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
    let t = &crate::i18n::t().account.reset;
    let outcome = move || match reset.value().get() {
        Some(Ok(MethodOutcome::Done)) => Either::Left(view! {
            <p class="success" role="status">{t.done}</p>
        }),
        other => Either::Right(view! { <p class="form-error" role="alert">{refusal(other)}</p> }),
    };
    view! {
        <ActionForm action=reset>
            <input type="hidden" name="id" value=id />
            <p class="hint" id="reset-methods-hint">{t.hint}</p>
            <button
                type="submit"
                class="danger-inline"
                disabled=move || pending.get() || locked_by.is_some()
                aria-busy=move || pending.get().then_some("true")
                aria-describedby=locked_by.map(|l| format!("reset-methods-hint {l}")).unwrap_or_else(|| "reset-methods-hint".into())
            >
                {t.button}
            </button>
            {outcome}
        </ActionForm>
    }
}
