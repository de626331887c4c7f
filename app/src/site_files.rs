//! The names of the compiled site's files under `/pkg/`.
//!
//! A release build (`hash-files` in Cargo.toml) names the JS, WASM and CSS after their
//! content and writes the hashes to `hash.txt` beside the server binary. A browser may
//! keep such a file forever: the next build that changes it gives it a new name, and the
//! page (never cached) names the new one.

/// The site's file names, hashed or plain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFiles {
    output_name: String,
    pkg_dir: String,
    hashes: Option<Hashes>,
}

/// The content hashes of one build, as cargo-leptos writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hashes {
    pub js: String,
    pub wasm: String,
    pub css: String,
    /// The split build's chunk loader (`__wasm_split.<digest>.js`), which the main JS
    /// imports; absent from a build that does not split.
    pub split: Option<String>,
}

impl Hashes {
    /// Reads `js: …`, `wasm: …` and `css: …` lines, and `split: …` if there; `None`
    /// unless the first three are.
    pub fn parse(text: &str) -> Option<Hashes> {
        let mut js = None;
        let mut wasm = None;
        let mut css = None;
        let mut split = None;
        for line in text.lines() {
            let Some((kind, hash)) = line.split_once(':') else {
                continue;
            };
            let hash = hash.trim();
            if !is_digest(hash) {
                return None;
            }
            match kind.trim() {
                "js" => js = Some(hash.to_string()),
                "wasm" => wasm = Some(hash.to_string()),
                "css" => css = Some(hash.to_string()),
                "split" => split = Some(hash.to_string()),
                _ => {}
            }
        }
        Some(Hashes {
            js: js?,
            wasm: wasm?,
            css: css?,
            split,
        })
    }
}

impl SiteFiles {
    /// Plain names (`/pkg/twostep.css`): a debug build, or tests without a site.
    pub fn plain(output_name: &str, pkg_dir: &str) -> SiteFiles {
        SiteFiles {
            output_name: output_name.into(),
            pkg_dir: pkg_dir.trim_matches('/').into(),
            hashes: None,
        }
    }

    pub fn hashed(output_name: &str, pkg_dir: &str, hashes: Hashes) -> SiteFiles {
        SiteFiles {
            hashes: Some(hashes),
            ..SiteFiles::plain(output_name, pkg_dir)
        }
    }

    /// Hashed names when `hash_file` (cargo-leptos writes it beside the server binary) is
    /// there and readable, plain names otherwise.
    #[cfg(feature = "ssr")]
    pub fn beside_binary(output_name: &str, pkg_dir: &str, hash_file: &str) -> SiteFiles {
        let hashes = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join(hash_file)))
            .and_then(|path| std::fs::read_to_string(path).ok())
            .and_then(|text| Hashes::parse(&text));
        match hashes {
            Some(hashes) => SiteFiles::hashed(output_name, pkg_dir, hashes),
            None => SiteFiles::plain(output_name, pkg_dir),
        }
    }

    /// Whether the names carry content hashes (leptos must then be told: `hash_files`).
    pub fn is_hashed(&self) -> bool {
        self.hashes.is_some()
    }

    /// The stylesheet's URL path.
    pub fn stylesheet_href(&self) -> String {
        match &self.hashes {
            Some(hashes) => format!("/{}/{}.{}.css", self.pkg_dir, self.output_name, hashes.css),
            None => format!("/{}/{}.css", self.pkg_dir, self.output_name),
        }
    }

    /// The split build's chunk loader, which the main JS imports: named in the page so
    /// the browser fetches it beside the main JS, not after it.
    pub fn split_loader_href(&self) -> Option<String> {
        let split = self.hashes.as_ref()?.split.as_ref()?;
        Some(format!("/{}/__wasm_split.{split}.js", self.pkg_dir))
    }

    /// Whether `path` names a file by its content, so that it may be cached for good:
    /// under `/pkg/`, in a build that hashes, with the digest cargo-leptos puts before the
    /// extension (`twostep.<digest>.wasm`, `chunk_3.<digest>.wasm`, `__wasm_split.<digest>.js`:
    /// 22 characters of URL-safe base64, an MD5). Lazy-route files are named that way too.
    pub fn is_immutable(&self, path: &str) -> bool {
        let Some(name) = path
            .strip_prefix('/')
            .and_then(|p| p.strip_prefix(self.pkg_dir.as_str()))
            .and_then(|p| p.strip_prefix('/'))
        else {
            return false;
        };
        let mut segments = name.rsplit('.');
        let (Some(_extension), Some(digest), Some(_stem)) =
            (segments.next(), segments.next(), segments.next())
        else {
            return false;
        };
        self.hashes.is_some() && !name.contains('/') && digest.len() == 22 && is_digest(digest)
    }
}

/// Whether `text` can be a cargo-leptos digest (URL-safe base64): it goes into a URL and a
/// file name, so letters, digits, `-` and `_` only.
fn is_digest(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const WRITTEN: &str =
        "js: rTy4F-cKj40v0BWNVz4bOA\nwasm: IW6uYOjhqvxoUGXwv9H0NA\ncss: NxcYWDB-I8AlSCBB9rATqQ\n";

    #[test]
    fn reads_the_hash_file_as_cargo_leptos_writes_it() {
        assert_eq!(
            Hashes::parse(WRITTEN),
            Some(Hashes {
                js: "rTy4F-cKj40v0BWNVz4bOA".into(),
                wasm: "IW6uYOjhqvxoUGXwv9H0NA".into(),
                css: "NxcYWDB-I8AlSCBB9rATqQ".into(),
                split: None,
            })
        );
        // A split build adds its loader's line (and the manifest's, not needed here).
        let split = Hashes::parse(&format!("{WRITTEN}manifest: M1\nsplit: S2\n")).unwrap();
        assert_eq!(split.split.as_deref(), Some("S2"));
        let files = SiteFiles::hashed("twostep", "pkg", split);
        assert_eq!(
            files.split_loader_href().as_deref(),
            Some("/pkg/__wasm_split.S2.js")
        );
        let unsplit = SiteFiles::hashed("twostep", "pkg", Hashes::parse(WRITTEN).unwrap());
        assert_eq!(unsplit.split_loader_href(), None);
        assert_eq!(SiteFiles::plain("twostep", "pkg").split_loader_href(), None);
    }

    #[test]
    fn an_incomplete_or_odd_hash_file_means_plain_names() {
        assert_eq!(Hashes::parse("js: a\nwasm: b\n"), None);
        assert_eq!(Hashes::parse(""), None);
        assert_eq!(Hashes::parse("js: a\nwasm: b\ncss: ../x\n"), None);
        assert_eq!(Hashes::parse("js: a\nwasm: b\ncss: \n"), None);
    }

    #[test]
    fn content_named_files_are_immutable_and_nothing_else_is() {
        let files = SiteFiles::hashed("twostep", "pkg", Hashes::parse(WRITTEN).unwrap());
        assert_eq!(files.stylesheet_href(), "/pkg/twostep.NxcYWDB-I8AlSCBB9rATqQ.css");
        assert!(files.is_immutable("/pkg/twostep.rTy4F-cKj40v0BWNVz4bOA.js"));
        assert!(files.is_immutable("/pkg/twostep.IW6uYOjhqvxoUGXwv9H0NA.wasm"));
        assert!(files.is_immutable("/pkg/twostep.NxcYWDB-I8AlSCBB9rATqQ.css"));
        // The lazy routes' files and their loader.
        assert!(files.is_immutable("/pkg/chunk_10.E1VJDX-pBqnM95PTtE9PCg.wasm"));
        assert!(files.is_immutable("/pkg/__wasm_split.lod7evXVoYL8zHH_uGCfwQ.js"));
        // Plain names, short or odd segments, other folders: revalidated.
        assert!(!files.is_immutable("/pkg/twostep.wasm"));
        assert!(!files.is_immutable("/pkg/twostep.Old.wasm"));
        assert!(!files.is_immutable("/pkg/twostep.IW6uYOjhqvxoUGXwv9H0N!.wasm"));
        assert!(!files.is_immutable("/pkg/IW6uYOjhqvxoUGXwv9H0NA.wasm"));
        assert!(!files.is_immutable("/pkg/sub/twostep.IW6uYOjhqvxoUGXwv9H0NA.wasm"));
        assert!(!files.is_immutable("/other/twostep.IW6uYOjhqvxoUGXwv9H0NA.wasm"));
        assert!(!files.is_immutable("/pkgtwostep.IW6uYOjhqvxoUGXwv9H0NA.wasm"));
    }

    #[test]
    fn plain_names_are_never_immutable() {
        let files = SiteFiles::plain("twostep", "/pkg/");
        assert_eq!(files.stylesheet_href(), "/pkg/twostep.css");
        assert!(!files.is_immutable("/pkg/twostep.css"));
        assert!(!files.is_immutable("/pkg/twostep.IW6uYOjhqvxoUGXwv9H0NA.wasm"));
    }
}
