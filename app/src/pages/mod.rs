//! One module per page, plus the signed-in layout around them.

pub mod account;
pub mod code_form;
pub mod home;
pub mod language_menu;
pub mod layout;
pub mod lazy;
pub mod live;
pub mod local_time;
pub mod login;
pub mod methods;
pub mod not_found;
pub mod office_networks;
pub mod passkey_prompt;
pub mod permissions;
pub mod personnel;
pub mod security;
pub mod trusted_table;
pub mod widgets;
