//! The HTML document and the route table.

use crate::pages::language_menu::LanguageMenu;
use crate::pages::lazy::{
    AccountRoute, HomeRoute, PermissionsRoute, PersonnelRoute, SecurityRoute, SignedInRoute,
};
use crate::pages::{login::LoginPage, not_found::NotFound};
use crate::site_files::SiteFiles;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::Lazy;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

/// The whole document the server renders around the app. The stylesheet is linked here,
/// not in `App`, because only the server knows its (content-hashed) name.
pub fn shell(options: LeptosOptions, files: &SiteFiles) -> impl IntoView + use<> {
    #[cfg(feature = "ssr")]
    send_content_security_policy(options.env == leptos::config::Env::DEV);
    let stylesheet = files.stylesheet_href();
    // The main JS imports the chunk loader: without this the browser asks for it only
    // once the main JS has arrived and been read, one round trip later.
    let split_loader = files.split_loader_href();
    // The page's language, picked for this request (`server::layers::language`); the
    // browser reads it back from here when it takes over (`i18n::provide_lang`).
    #[cfg(feature = "ssr")]
    let lang = crate::i18n::request_lang().code();
    #[cfg(not(feature = "ssr"))]
    let lang = crate::i18n::Lang::default().code();
    view! {
        <!DOCTYPE html>
        <html lang=lang>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="data:," />
                <link rel="stylesheet" href=stylesheet />
                {split_loader.map(|href| view! { <link rel="modulepreload" href=href /> })}
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The page's Content-Security-Policy: scripts only from this site or inline with this
/// render's nonce (leptos puts it on its hydration and streaming scripts), WASM allowed
/// to compile, no framing. Development adds the live-reload socket.
#[cfg(feature = "ssr")]
fn send_content_security_policy(development: bool) {
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let nonce = leptos::nonce::use_nonce()
        .map(|nonce| format!(" 'nonce-{}'", &*nonce))
        .unwrap_or_default();
    let reload = if development { " ws: wss:" } else { "" };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{nonce}; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'{reload}; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    crate::i18n::provide_lang();
    crate::pages::local_time::provide_viewer_zone();
    view! {
        <Title formatter=|page: String| format!("{page} · Twostep") />
        <div class="language-bar">
            <LanguageMenu />
        </div>
        <Router>
            // Async: the server sends each page whole, its data already in place, so it
            // reads and works with JavaScript off (streamed parts would need a script to
            // put them where they belong).
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                <ParentRoute path=path!("") view={Lazy::<SignedInRoute>::new()} ssr=SsrMode::Async>
                    <Route path=path!("/") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/account") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/maintenance/organisation/personnel") view={Lazy::<PersonnelRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/system/permissions") view={Lazy::<PermissionsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/system/security") view={Lazy::<SecurityRoute>::new()} ssr=SsrMode::Async />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
