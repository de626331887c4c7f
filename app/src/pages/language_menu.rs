//! The Language menu, on every page (spec §1 "Language"): English, Nederlands and
//! Français, each named in its own language, as the buttons of one plain form. A press
//! posts the choice and the page comes back in it (`account::language`), so it works
//! before the app's code arrives and with JavaScript off.

use crate::account::language::ChooseLanguage;
use crate::i18n::{Lang, t, use_lang};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn LanguageMenu() -> impl IntoView {
    let label = t().language.label;
    let current = use_lang();
    // The browser sends the form itself; until the page is replaced, it says it is busy.
    // (The buttons stay enabled: a disabled button would not send its value.)
    let sending = RwSignal::new(false);
    view! {
        <form
            class="language-menu"
            method="post"
            action=ChooseLanguage::PATH
            aria-label=label
            aria-busy=move || sending.get().then_some("true")
            on:submit=move |_| sending.set(true)
        >
            <span class="language-label" aria-hidden="true">{label}</span>
            {Lang::ALL.map(|lang| view! {
                <button
                    type="submit"
                    name="language"
                    value=lang.code()
                    lang=lang.code()
                    class="quiet"
                    aria-pressed=if lang == current { "true" } else { "false" }
                >
                    {lang.own_name()}
                </button>
            })}
        </form>
    }
}
