//! The page a signed-in person lands on.

use crate::pages::layout::UserResource;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let me = expect_context::<UserResource>();
    let name = move || {
        me.get()
            .and_then(|r| r.ok().flatten())
            .map(|u| u.name)
            .unwrap_or_default()
    };
    view! {
        <Title text="Home" />
        <Transition fallback=|| view! { <h1>"Welcome"</h1> }>
            <h1>"Welcome, " {name}</h1>
        </Transition>
        <p class="lead">"Use the Maintenance and System tabs above to find your way around."</p>
    }
}
