//! Texts the spec fixes word for word (spec §1). Tests find things by these.

pub const INCORRECT_CREDENTIALS: &str = "Incorrect username or password.";
pub const FORBIDDEN_PAGE: &str = "You do not have permission to open this page.";
