//! Sign in, step 1 (spec §1): Username, Password, Sign in.

use crate::auth::Login;
use crate::model::LoginOutcome;
use crate::pages::widgets::SubmitButton;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let pending = login.pending();
    let error = move || match login.value().get() {
        Some(Ok(LoginOutcome::Refused { message })) => Some(message),
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    };
    // A full page load after sign-in, so every part of the page starts signed in.
    Effect::new(move |_| {
        if let Some(Ok(LoginOutcome::SignedIn { next })) = login.value().get() {
            let _ = window().location().set_href(&next);
        }
    });

    view! {
        <Title text="Sign in" />
        <main class="signin">
            <section class="card" aria-labelledby="signin-heading">
                <p class="brand-mark">"Twostep"</p>
                <h1 id="signin-heading">"Sign in"</h1>
                <ActionForm action=login>
                    <input type="hidden" name="next" prop:value=next />
                    <div class="field">
                        <label for="username">"Username"</label>
                        <input
                            id="username"
                            name="username"
                            autocomplete="username"
                            autocapitalize="none"
                            spellcheck="false"
                            required
                            maxlength="256"
                        />
                    </div>
                    <div class="field">
                        <label for="password">"Password"</label>
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
                    <SubmitButton label="Sign in" pending class="primary" />
                </ActionForm>
            </section>
        </main>
    }
}
