//! My account (spec §1): the signed-in person's own details.

use crate::account::my_account;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountPage() -> impl IntoView {
    let account = Resource::new(|| (), |_| my_account());
    let or_dash = |value: Option<String>| value.filter(|v| !v.is_empty()).unwrap_or_else(|| "—".into());
    view! {
        <Title text="My account" />
        <h1>"My account"</h1>
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match account.await {
                    Ok(me) => Either::Left(view! {
                        <dl class="details">
                            <dt>"Name"</dt><dd>{me.name}</dd>
                            <dt>"Username"</dt><dd>{me.username}</dd>
                            <dt>"Email"</dt><dd>{or_dash(me.email)}</dd>
                            <dt>"Mobile"</dt><dd>{or_dash(me.mobile)}</dd>
                        </dl>
                    }),
                    Err(error) => Either::Right(view! {
                        <p class="form-error" role="alert">{error.to_string()}</p>
                    }),
                }
            })}
        </Suspense>
    }
}
