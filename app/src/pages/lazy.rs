//! The signed-in pages as lazy routes: a release build (`cargo leptos build --split`) puts
//! each one's code in a WASM file of its own, fetched on the first visit, so the sign-in
//! page downloads only what it runs. Without `--split` they are ordinary routes.

use crate::pages::{
    account::AccountPage, home::HomePage, layout::SignedInLayout, permissions::PermissionsPage,
    personnel::PersonnelPage, security::SecurityPage,
};
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

pub struct HomeRoute;

#[lazy_route]
impl LazyRoute for HomeRoute {
    fn data() -> Self {
        HomeRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <HomePage /> }.into_any()
    }
}

pub struct AccountRoute;

#[lazy_route]
impl LazyRoute for AccountRoute {
    fn data() -> Self {
        AccountRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <AccountPage /> }.into_any()
    }
}

pub struct PersonnelRoute;

#[lazy_route]
impl LazyRoute for PersonnelRoute {
    fn data() -> Self {
        PersonnelRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <PersonnelPage /> }.into_any()
    }
}

pub struct PermissionsRoute;

#[lazy_route]
impl LazyRoute for PermissionsRoute {
    fn data() -> Self {
        PermissionsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <PermissionsPage /> }.into_any()
    }
}

pub struct SecurityRoute;

#[lazy_route]
impl LazyRoute for SecurityRoute {
    fn data() -> Self {
        SecurityRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <SecurityPage /> }.into_any()
    }
}

pub struct SignedInRoute;

#[lazy_route]
impl LazyRoute for SignedInRoute {
    fn data() -> Self {
        SignedInRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <SignedInLayout /> }.into_any()
    }
}
