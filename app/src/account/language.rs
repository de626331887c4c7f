//! Choosing a language (spec §1 "Language"): the Language menu on every page and My
//! account's Language field both post here. The choice is kept in a cookie (this
//! browser, signed in or not) and, for a signed-in person, in their profile, which mail
//! and text messages follow.
//!
//! Both forms are plain posts the browser sends itself, with or without the app's code:
//! the answer sends it back to the page it came from, which then loads in the new
//! language (`server::layers::plain_form_redirect`).

use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "choose_language")]
pub async fn choose_language(language: String) -> Result<(), AppError> {
    use crate::i18n::Lang;
    // Only the three codes; anything else changes nothing.
    let Some(lang) = Lang::from_code(&language) else {
        return Err(AppError::BadRequest.with_status());
    };
    let state = crate::state::app_state()?;
    if let Some(user) = crate::auth::session::current_user().await? {
        crate::personnel::people::save_language(&state.db, user.id, lang, state.clock.now()).await?;
    }
    crate::i18n::keep_in_cookie(lang, state.policy.secure_cookies());
    // A sign-in waiting for its code stays there: the sign-in page comes back at step 2,
    // in the new language (the code already sent still works).
    let session = crate::auth::session::request_session().await?;
    let waiting = crate::auth::code_step::prompt(&session).await?;
    crate::form_post::answer::<ChooseLanguage>(&(), waiting, None).await?;
    Ok(())
}
