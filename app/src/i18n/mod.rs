//! The reader's language (spec §1 "Language"): English, Dutch or French, and the texts
//! in it.
//!
//! The catalogue is Rust: each language is one value of the struct [`Texts`] (for what
//! the browser shows) and, on the server, of [`ServerTexts`] (mail, SMS and the reasons
//! the server gives). A key missing in one language is a missing field, so the build
//! fails; a text with blanks to fill is a function, so its arguments are checked too.
//!
//! A page is drawn in one language from the server's first byte: the server picks it
//! for the request (`negotiate`), writes it in `<html lang>`, and the browser reads it
//! back from there when it takes over, so hydration changes nothing. Changing language
//! is a plain form post followed by a fresh page load, so nothing on a page ever changes
//! language while it is open.

pub mod account_texts;
mod en;
mod fr;
pub mod negotiate;
mod nl;
pub mod system_texts;
pub mod texts;

#[cfg(feature = "ssr")]
mod server;
#[cfg(feature = "ssr")]
pub use server::*;

pub use texts::Texts;

use serde::{Deserialize, Serialize};

/// One of the three languages of the product.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    Nl,
    Fr,
}

impl Lang {
    /// In the order the Language menu lists them.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Nl, Lang::Fr];

    /// The code kept in the cookie, the database and `<html lang>`.
    pub const fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nl => "nl",
            Lang::Fr => "fr",
        }
    }

    /// `en`, `nl` or `fr`, in any case; nothing else.
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL
            .into_iter()
            .find(|lang| lang.code().eq_ignore_ascii_case(code.trim()))
    }

    /// A language as the database keeps it (`users.language`, NULL when none was chosen).
    pub fn from_saved(code: Option<&str>) -> Option<Lang> {
        code.and_then(Lang::from_code)
    }

    /// The language's name in itself, as the menu shows it whatever the page's language.
    pub const fn own_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Nl => "Nederlands",
            Lang::Fr => "Français",
        }
    }

    /// Of three things, one per language, this language's.
    pub fn pick<T>(self, en: T, nl: T, fr: T) -> T {
        match self {
            Lang::En => en,
            Lang::Nl => nl,
            Lang::Fr => fr,
        }
    }

    /// What the browser shows, in this language.
    pub fn texts(self) -> &'static Texts {
        self.pick(&en::TEXTS, &nl::TEXTS, &fr::TEXTS)
    }
}

/// The language of the page being drawn: on the server the one picked for the request,
/// in the browser the one the server wrote in `<html lang>` (read from there when no
/// context is at hand, as in a task started by a click).
pub fn use_lang() -> Lang {
    if let Some(lang) = leptos::prelude::use_context::<Lang>() {
        return lang;
    }
    #[cfg(feature = "ssr")]
    {
        request_lang()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document_lang()
    }
}

/// The texts of the page being drawn.
pub fn t() -> &'static Texts {
    use_lang().texts()
}

/// Provides the page's language to everything drawn under the app (called once, at its
/// root).
pub fn provide_lang() {
    #[cfg(feature = "ssr")]
    let lang = request_lang();
    #[cfg(not(feature = "ssr"))]
    let lang = document_lang();
    leptos::prelude::provide_context(lang);
}

/// The language the server wrote in `<html lang>`.
#[cfg(not(feature = "ssr"))]
fn document_lang() -> Lang {
    leptos::prelude::document()
        .document_element()
        .and_then(|html| html.get_attribute("lang"))
        .and_then(|code| Lang::from_code(&code))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_go_both_ways_and_nothing_else_is_a_language() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
            assert_eq!(Lang::from_code(&lang.code().to_uppercase()), Some(lang));
        }
        for other in ["", "de", "nl-BE", "english", "e n", "n"] {
            assert_eq!(Lang::from_code(other), None, "{other:?}");
        }
    }
}
