//! The frame of every signed-in page: the top navigation, then the page.
//!
//! The server's page guard already sends a signed-out browser to `/login`; this does the
//! same for navigation inside the browser (the back button after signing out, say).

use crate::auth::{Logout, signed_in_user};
use crate::model::{CurrentUser, Permission, login_redirect};
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::use_location;

/// A link in a tab's menu, shown only to those who may open it.
struct MenuLink {
    href: &'static str,
    label: &'static str,
    permission: Option<Permission>,
}

/// The pages that exist, per tab. Pages join this list as they are built.
const MAINTENANCE: &[MenuLink] = &[];
const SYSTEM: &[MenuLink] = &[];

#[component]
pub fn SignedInLayout() -> impl IntoView {
    let me = Resource::new(|| (), |_| signed_in_user());
    let location = use_location();
    view! {
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(user)) => {
                        provide_context(user.clone());
                        EitherOf3::A(view! {
                            <TopNav user />
                            <main id="main" class="page">
                                <Outlet />
                            </main>
                        })
                    }
                    Ok(None) => {
                        let here = location.pathname.get_untracked() + &location.search.get_untracked();
                        let to = login_redirect(&here);
                        EitherOf3::B(view! { <Redirect path=to /> })
                    }
                    Err(error) => EitherOf3::C(view! {
                        <main class="page">
                            <p class="form-error" role="alert">{error.to_string()}</p>
                        </main>
                    }),
                }
            })}
        </Transition>
    }
}

#[component]
fn TopNav(user: CurrentUser) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let pending = logout.pending();
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            let _ = window().location().set_href("/login");
        }
    });
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Twostep"</a>
            <nav class="tabs" aria-label="Main">
                <Tab label="Maintenance" links=MAINTENANCE user=user.clone() />
                <Tab label="System" links=SYSTEM user=user.clone() />
            </nav>
            <div class="who">
                <span class="person-name">{user.name.clone()}</span>
                <ActionForm action=logout>
                    <button
                        type="submit"
                        class="quiet"
                        disabled=pending
                        aria-busy=move || pending.get().then_some("true")
                    >
                        "Sign out"
                    </button>
                </ActionForm>
            </div>
        </header>
    }
}

#[component]
fn Tab(label: &'static str, links: &'static [MenuLink], user: CurrentUser) -> impl IntoView {
    let visible: Vec<_> = links
        .iter()
        .filter(|link| link.permission.is_none_or(|p| user.may(p)))
        .map(|link| view! { <li><a href=link.href>{link.label}</a></li> })
        .collect();
    let empty = visible.is_empty();
    view! {
        <details class="tab">
            <summary>{label}</summary>
            <ul class="menu">
                {visible}
                {empty.then(|| view! { <li class="menu-empty">"No pages for your permissions."</li> })}
            </ul>
        </details>
    }
}
