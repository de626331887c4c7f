//! Small pieces every form uses, so each behaves the same everywhere.

use leptos::prelude::*;

/// What a section shows while its data is on the way.
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" role="status">{crate::i18n::t().loading}</p> }
}

/// A fault or refusal, announced to screen readers where it appears.
#[component]
pub fn ErrorLine(#[prop(into)] text: String) -> impl IntoView {
    view! { <p class="form-error" role="alert">{text}</p> }
}

/// A full page load of `path`, so every part of the page starts from the server's state
/// (after a sign-in, say).
pub fn go_to(path: &str) {
    let _ = window().location().set_href(path);
}

/// A submit button that is disabled and marked busy while its action runs.
#[component]
pub fn SubmitButton(
    label: &'static str,
    pending: Memo<bool>,
    #[prop(default = "primary-inline")] class: &'static str,
) -> impl IntoView {
    view! {
        <button
            type="submit"
            class=class
            disabled=move || pending.get()
            aria-busy=move || pending.get().then_some("true")
        >
            {label}
        </button>
    }
}

/// A labelled input with its error (and hint) right under it, tied by aria-describedby.
#[component]
pub fn TextField(
    label: &'static str,
    name: &'static str,
    value: String,
    /// Needed where two forms on one page share a field name (each id once per page).
    #[prop(optional)]
    id: Option<&'static str>,
    #[prop(optional)] kind: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional, into)] hint: Option<String>,
    /// The id of the line that says why the field cannot be changed; the field is then
    /// read-only (still sent with the form, so the server sees it unchanged).
    #[prop(default = None)]
    locked_by: Option<&'static str>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let id = id.map_or_else(|| format!("field-{name}"), str::to_string);
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let mut described_by = error_id.clone();
    if hint.is_some() {
        described_by = format!("{described_by} {hint_id}");
    }
    if let Some(reason) = locked_by {
        described_by = format!("{described_by} {reason}");
    }
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind.unwrap_or("text")
                value=value
                autocomplete=autocomplete.unwrap_or("on")
                readonly=locked_by.is_some()
                aria-describedby=described_by
                aria-invalid=move || error.get().is_some().then_some("true")
            />
            {hint.map(|hint| view! { <p id=hint_id class="hint">{hint}</p> })}
            <p id=error_id class="field-error">{move || error.get()}</p>
        </div>
    }
}

/// Hidden fields that keep the query's `keys` when another `GET` form of the page is sent.
pub fn kept_fields(query: &leptos_router::params::ParamsMap, keys: &[&str]) -> impl IntoView + use<> {
    keys.iter()
        .filter_map(|key| {
            query
                .get(key)
                .filter(|v| !v.is_empty())
                .map(|value| (key.to_string(), value))
        })
        .map(|(key, value)| view! { <input type="hidden" name=key value=value /> })
        .collect_view()
}
