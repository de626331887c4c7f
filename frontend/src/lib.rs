//! The browser entry point: nothing but hydration of the server-rendered page.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Asynchronous hydration: a lazy route's code may have to be fetched first.
    wasm_bindgen_futures::spawn_local(async {
        app::pages::code_form::load_if_drawn().await;
        let body = leptos::prelude::document().body().expect("the page has a body");
        leptos::mount::hydrate_from_async(body, app::App).await.forget();
        // Marks the page as interactive (tests and tooling wait for it).
        if let Some(root) = leptos::prelude::document().document_element() {
            let _ = root.set_attribute("data-hydrated", "");
        }
    });
}
