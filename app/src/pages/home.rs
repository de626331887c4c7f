//! The page a signed-in person lands on.

use crate::model::CurrentUser;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let user = use_context::<CurrentUser>();
    let name = user.map(|u| u.name).unwrap_or_default();
    view! {
        <Title text="Home" />
        <h1>"Welcome, " {name}</h1>
        <p class="lead">"Use the Maintenance and System tabs above to find your way around."</p>
    }
}
