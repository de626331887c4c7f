//! Every page in one table: its path, the tab its menu link sits under, the link's text
//! and the permission it needs. The menu and the server's page guard read this table;
//! the router's `path!` literals are checked against it by a test in the server crate
//! (`router_paths_match_the_route_table`), so the three cannot disagree.

use crate::i18n::texts::NavTexts;
use crate::permissions::Permission;

/// Whether a browser sent to `path` stays on this site: it starts with one `/` and holds
/// no `\\` (browsers read `/\\evil` as `//evil`) and no control character.
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.chars().any(|c| c.is_control() || c == '\\')
}

/// The top navigation's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Maintenance,
    System,
}

impl Tab {
    pub const ALL: [Tab; 2] = [Tab::Maintenance, Tab::System];

    pub fn label(self, nav: &NavTexts) -> &'static str {
        match self {
            Tab::Maintenance => nav.maintenance,
            Tab::System => nav.system,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub path: &'static str,
    /// The tab whose menu links to it; `None`: not in a menu.
    pub tab: Option<Tab>,
    /// The link's text, in the page's language.
    pub label: fn(&NavTexts) -> &'static str,
    /// What a person must hold to open it; `None`: any signed-in person.
    pub permission: Option<Permission>,
}

pub const LOGIN: &str = "/login";
pub const HOME: &str = "/";
pub const ACCOUNT: &str = "/account";
pub const PERSONNEL: &str = "/maintenance/organisation/personnel";
pub const PERMISSIONS: &str = "/system/permissions";
pub const SECURITY: &str = "/system/security";

/// The signed-in pages (`/login` is the only other one).
pub const PAGES: &[Page] = &[
    Page {
        path: HOME,
        tab: None,
        label: |nav| nav.home,
        permission: None,
    },
    Page {
        path: ACCOUNT,
        tab: None,
        label: |nav| nav.my_account,
        permission: None,
    },
    Page {
        path: PERSONNEL,
        tab: Some(Tab::Maintenance),
        label: |nav| nav.organisation_personnel,
        permission: Some(Permission::Personnel),
    },
    Page {
        path: PERMISSIONS,
        tab: Some(Tab::System),
        label: |nav| nav.permissions,
        permission: Some(Permission::Permissions),
    },
    Page {
        path: SECURITY,
        tab: Some(Tab::System),
        label: |nav| nav.security,
        permission: Some(Permission::Security),
    },
];

/// The pages a tab's menu links to, in menu order.
pub fn menu(tab: Tab) -> impl Iterator<Item = &'static Page> {
    PAGES.iter().filter(move |page| page.tab == Some(tab))
}

/// The permission the page at `path` (with any query) needs.
pub fn permission_for(path: &str) -> Option<Permission> {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let path = match path.trim_end_matches('/') {
        "" => "/",
        trimmed => trimmed,
    };
    PAGES
        .iter()
        .find(|page| page.path == path)
        .and_then(|page| page.permission)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_map_to_their_permission() {
        assert_eq!(permission_for("/system/security"), Some(Permission::Security));
        assert_eq!(permission_for("/system/security/"), Some(Permission::Security));
        assert_eq!(
            permission_for("/system/permissions?x=1"),
            Some(Permission::Permissions)
        );
        assert_eq!(permission_for(PERSONNEL), Some(Permission::Personnel));
        assert_eq!(permission_for("/"), None);
        assert_eq!(permission_for("/account"), None);
        assert_eq!(permission_for("/system"), None);
    }

    #[test]
    fn every_menu_link_names_a_permission_and_every_tab_has_one() {
        for tab in Tab::ALL {
            assert!(menu(tab).count() > 0, "{tab:?}");
            assert!(menu(tab).all(|page| page.permission.is_some()));
        }
    }
}
