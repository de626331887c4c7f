//! The HTML document and the route table.

use crate::pages::lazy::{
    AccountRoute, HomeRoute, PermissionsRoute, PersonnelRoute, SecurityRoute, SignedInRoute,
};
use crate::pages::{login::LoginPage, not_found::NotFound};
use crate::site_files::SiteFiles;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::Lazy;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

/// The whole document the server renders around the app. The stylesheet is linked here,
/// not in `App`, because only the server knows its (content-hashed) name.
pub fn shell(options: LeptosOptions, files: &SiteFiles) -> impl IntoView + use<> {
    let stylesheet = files.stylesheet_href();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="data:," />
                <link rel="stylesheet" href=stylesheet />
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

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|page: String| format!("{page} · Twostep") />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=LoginPage />
                <ParentRoute path=path!("") view={Lazy::<SignedInRoute>::new()}>
                    <Route path=path!("/") view={Lazy::<HomeRoute>::new()} />
                    <Route path=path!("/account") view={Lazy::<AccountRoute>::new()} />
                    <Route path=path!("/maintenance/organisation/personnel") view={Lazy::<PersonnelRoute>::new()} />
                    <Route path=path!("/system/permissions") view={Lazy::<PermissionsRoute>::new()} />
                    <Route path=path!("/system/security") view={Lazy::<SecurityRoute>::new()} />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
