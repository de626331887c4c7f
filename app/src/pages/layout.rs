//! The frame of every signed-in page: the top navigation, then the page.
//!
//! The server's page guard already sends a signed-out browser to `/login`; this does the
//! same for navigation inside the browser (the back button after signing out, say).

use crate::auth::login_redirect;
use crate::auth::{Logout, signed_in_user};
use crate::error::AppError;
use crate::pages::widgets::Loading;
use crate::pages::widgets::SubmitButton;
use crate::permissions::{CurrentUser, Permission};
use crate::routes::{self, Tab};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::use_location;

/// The signed-in person, loaded once by the layout and shared with its pages.
pub type UserResource = Resource<Result<Option<CurrentUser>, AppError>>;

/// The signed-in person as the server's page guard found them for this page load, sent
/// with the page so the browser starts from the same value: a guarded page decides at
/// once, without waiting inside a `Suspense`. `None` where the page was not rendered by
/// the server (the layout entered by navigation in the browser).
#[derive(Clone)]
struct KnownAtLoad(Option<CurrentUser>);

fn known_at_load() -> KnownAtLoad {
    KnownAtLoad(
        SharedValue::new(|| {
            #[cfg(feature = "ssr")]
            {
                use_context::<http::request::Parts>()
                    .and_then(|parts| parts.extensions.get::<CurrentUser>().cloned())
            }
            #[cfg(not(feature = "ssr"))]
            {
                None::<CurrentUser>
            }
        })
        .into_inner(),
    )
}

#[component]
pub fn SignedInLayout() -> impl IntoView {
    let me: UserResource = Resource::new(|| (), |_| signed_in_user());
    provide_context(me);
    provide_context(known_at_load());
    let location = use_location();
    // The page renders beside the navigation, not inside its suspense, so each page's own
    // data loads at the same time and in the request's context.
    view! {
        <Transition fallback=|| view! { <header class="topbar" aria-busy="true"></header> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(user)) => EitherOf3::A(view! { <TopNav user /> }),
                    Ok(None) => {
                        let here = location.pathname.get_untracked() + &location.search.get_untracked();
                        EitherOf3::B(view! { <Redirect path=login_redirect(&here) /> })
                    }
                    Err(error) => EitherOf3::C(view! {
                        <p class="form-error page" role="alert">{error.text().to_string()}</p>
                    }),
                }
            })}
        </Transition>
        <main id="main" class="page">
            <Outlet />
        </main>
    }
}

#[component]
fn TopNav(user: CurrentUser) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let pending = logout.pending();
    let nav = &crate::i18n::t().nav;
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            let _ = window().location().set_href("/login");
        }
    });
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Twostep"</a>
            <nav class="tabs" aria-label=nav.main>
                {Tab::ALL.map(|tab| view! { <TabMenu tab user=user.clone() /> })}
            </nav>
            <div class="who">
                <a class="person-name" href=routes::ACCOUNT>{user.name.clone()}</a>
                <ActionForm action=logout>
                    <SubmitButton label=nav.sign_out pending class="quiet" />
                </ActionForm>
            </div>
        </header>
    }
}

/// One tab and its menu: the pages of the route table under it that this person may open.
#[component]
fn TabMenu(tab: Tab, user: CurrentUser) -> impl IntoView {
    let nav = &crate::i18n::t().nav;
    let visible: Vec<_> = routes::menu(tab)
        .filter(|page| page.permission.is_none_or(|p| user.may(p)))
        .map(|page| view! { <li><a href=page.path>{(page.label)(nav)}</a></li> })
        .collect();
    let empty = visible.is_empty();
    view! {
        <details class="tab">
            <summary>{tab.label(nav)}</summary>
            <ul class="menu">
                {visible}
                {empty.then(|| view! { <li class="menu-empty">{nav.no_pages}</li> })}
            </ul>
        </details>
    }
}

/// A page behind a permission: its content for those who hold it; for anyone else (the
/// server has already answered 403) the reason once and nothing more, so no section of
/// the page asks the server for what it will refuse.
#[component]
pub fn RequirePermission(permission: Permission, children: ChildrenFn) -> impl IntoView {
    let refused = crate::i18n::t().pages.refused;
    let refusal = move || view! { <p class="refused" role="alert">{refused}</p> };
    // Decided at once when the page came from the server: the page's content (and the
    // resources it makes) is then created exactly once. Inside a `Suspense` the server
    // runs it once per pass, each pass with new resources, and a pass's data dropped
    // mid-fetch was sent with the page under the ids the browser reads first: the
    // browser then hydrated one pass's HTML with another's data, and panicked.
    if let Some(KnownAtLoad(Some(user))) = use_context::<KnownAtLoad>() {
        return Either::Left(if user.may(permission) {
            Either::Left(children())
        } else {
            Either::Right(refusal())
        });
    }
    let me = expect_context::<UserResource>();
    Either::Right(view! {
        <Suspense fallback=Loading>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match me.await {
                        Ok(Some(user)) if user.may(permission) => Some(Either::Left(children())),
                        Ok(Some(_)) => Some(Either::Right(refusal())),
                        // The layout says why (an error) or leaves for the sign-in page.
                        _ => None,
                    }
                })
            }}
        </Suspense>
    })
}
