//! Any path without a page.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let nav = &crate::i18n::t().nav;
    view! {
        <Title text=nav.page_not_found />
        <main class="page">
            <h1>{nav.page_not_found}</h1>
            <p><a href="/">{nav.go_home}</a></p>
        </main>
    }
}
