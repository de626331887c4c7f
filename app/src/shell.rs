//! The HTML document and the route table.

use crate::pages::{
    account::AccountPage, home::HomePage, layout::SignedInLayout, login::LoginPage, not_found::NotFound,
    permissions::PermissionsPage, personnel::PersonnelPage, security::SecurityPage,
};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

/// The whole document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="data:," />
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
        <Stylesheet id="leptos" href="/pkg/twostep.css" />
        <Title formatter=|page: String| format!("{page} · Twostep") />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=LoginPage />
                <ParentRoute path=path!("") view=SignedInLayout>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/account") view=AccountPage />
                    <Route path=path!("/maintenance/organisation/personnel") view=PersonnelPage />
                    <Route path=path!("/system/permissions") view=PermissionsPage />
                    <Route path=path!("/system/security") view=SecurityPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
