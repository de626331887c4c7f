//! The browser's passkey prompt (WebAuthn), called from the WASM. The server's options
//! arrive as WebAuthn's JSON form and go through the browser's own
//! `PublicKeyCredential.parseCreationOptionsFromJSON` / `parseRequestOptionsFromJSON`;
//! the answer goes back as the browser's `credential.toJSON()`. So the WASM carries no
//! WebAuthn types or base64 code of its own (the sign-in page's size), and the server
//! (webauthn-rs) checks everything.
//!
//! On the server, and in a browser without passkeys (or these JSON methods), nothing is
//! available and the pages offer the other ways.

/// Whether this browser can use a passkey on this page: `false` on the server, so a page
/// renders its passkey buttons disabled until the WASM has looked.
pub fn available() -> bool {
    #[cfg(feature = "hydrate")]
    {
        browser::available()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        false
    }
}

/// Asks the authenticator for a new passkey: the answer's JSON, or `None` when the
/// person cancelled, the prompt timed out, or the browser refused.
pub async fn create(options: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        browser::ceremony(options, "parseCreationOptionsFromJSON", "create").await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = options;
        None
    }
}

/// Asks the authenticator to sign the challenge with a passkey, as [`create`].
pub async fn get(options: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        browser::ceremony(options, "parseRequestOptionsFromJSON", "get").await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = options;
        None
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use js_sys::{Function, JSON, Object, Promise, Reflect};
    use wasm_bindgen::{JsCast, JsValue};

    fn member(target: &JsValue, name: &str) -> Option<JsValue> {
        Reflect::get(target, &JsValue::from_str(name))
            .ok()
            .filter(|value| !value.is_undefined() && !value.is_null())
    }

    fn method(target: &JsValue, name: &str) -> Option<Function> {
        member(target, name).and_then(|value| value.dyn_into::<Function>().ok())
    }

    fn credentials() -> Option<JsValue> {
        member(&js_sys::global(), "navigator").and_then(|navigator| member(&navigator, "credentials"))
    }

    pub fn available() -> bool {
        let Some(public_key_credential) = member(&js_sys::global(), "PublicKeyCredential") else {
            return false;
        };
        method(&public_key_credential, "parseCreationOptionsFromJSON").is_some()
            && method(&public_key_credential, "parseRequestOptionsFromJSON").is_some()
            && credentials().is_some_and(|c| method(&c, "create").is_some() && method(&c, "get").is_some())
    }

    pub async fn ceremony(options: &str, parse: &str, call: &str) -> Option<String> {
        let public_key_credential = member(&js_sys::global(), "PublicKeyCredential")?;
        let options = JSON::parse(options).ok()?;
        let options = method(&public_key_credential, parse)?
            .call1(&public_key_credential, &options)
            .ok()?;
        let request = Object::new();
        Reflect::set(&request, &JsValue::from_str("publicKey"), &options).ok()?;
        let credentials = credentials()?;
        let promise: Promise = method(&credentials, call)?
            .call1(&credentials, &request)
            .ok()?
            .dyn_into()
            .ok()?;
        let credential = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
        let plain = method(&credential, "toJSON")?.call0(&credential).ok()?;
        JSON::stringify(&plain).ok().map(String::from)
    }
}

use leptos::prelude::*;

/// A button that starts a passkey prompt: off until the WASM found passkeys usable here
/// (saying why when they are not, or when JavaScript is off), busy while `busy`, with
/// `error` (the last refusal) beside it. `id`: unique on the page.
#[component]
pub fn PasskeyButton(
    id: &'static str,
    label: &'static str,
    busy: Signal<bool>,
    error: Signal<Option<String>>,
    on_press: Callback<()>,
    #[prop(default = "primary-inline passkey")] class: &'static str,
) -> impl IntoView {
    // `None` until the browser was asked (after hydration): nothing to say yet.
    let usable = RwSignal::new(None::<bool>);
    Effect::new(move |_| usable.set(Some(available())));
    let t = &crate::i18n::t().sign_in;
    let line_id = format!("{id}-status");
    // Why the button is off, when it is.
    let line = move || {
        error
            .get()
            .or_else(|| (usable.get() == Some(false)).then(|| t.passkey_unavailable.to_string()))
    };
    view! {
        <button
            type="button"
            id=id
            class=class
            disabled=move || usable.get() != Some(true) || busy.get()
            aria-busy=move || busy.get().then_some("true")
            aria-describedby=line_id.clone()
            on:click=move |_| on_press.run(())
        >
            {label}
        </button>
        <noscript>
            <p class="hint">{t.passkey_needs_script}</p>
        </noscript>
        // A live region, not an alert: it is there (empty) on every page that has the
        // button, and an empty alert would still be one.
        <p id=line_id class="field-error" aria-live="polite">
            {line}
        </p>
    }
}
