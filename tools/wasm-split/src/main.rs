//! Splits the browser bundle's WASM at leptos's `#[lazy]` points, for
//! `scripts/build-site.sh`:
//!
//!     twostep-wasm-split <in.wasm> <main-out.wasm> <pkg-dir> <output-name>
//!
//! Writes the main module to `main-out.wasm` (for wasm-bindgen), each lazy part and
//! their shared chunks to `pkg-dir`, the loader `__wasm_split.<placeholder>.js` beside
//! them, and `__wasm_split_manifest.json` (which parts need which chunks: leptos names
//! them in the page so the browser can fetch them early).
//!
//! The loader's name holds a placeholder of 22 underscores, the length of the content
//! digest that replaces it once the files are named (`scripts/assemble-site.mjs`): the
//! main module names the loader, and a same-length name can be patched in place.

use std::path::Path;
use std::process::ExitCode;

const LOADER_PLACEHOLDER: &str = "./__wasm_split.______________________.js";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `make setup` asks, to know whether this version is the one installed.
    if args.first().map(String::as_str) == Some("--version") {
        println!("twostep-wasm-split {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    let [input, main_out, pkg_dir, name] = args.as_slice() else {
        eprintln!("usage: twostep-wasm-split <in.wasm> <main-out.wasm> <pkg-dir> <output-name>");
        return ExitCode::from(2);
    };
    match split(Path::new(input), Path::new(main_out), Path::new(pkg_dir), name) {
        Ok(parts) => {
            println!("twostep-wasm-split: {parts} lazy parts and chunks in {pkg_dir}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("twostep-wasm-split: {error}");
            ExitCode::FAILURE
        }
    }
}

fn split(input: &Path, main_out: &Path, pkg_dir: &Path, name: &str) -> Result<usize, String> {
    let wasm = std::fs::read(input).map_err(|e| format!("cannot read {}: {e}", input.display()))?;
    let main_module = format!("./{name}.js");
    let mut options = wasm_split_cli_support::Options::new(&wasm);
    options.output_dir = pkg_dir;
    options.main_out_path = main_out;
    options.main_module = &main_module;
    options.link_name = LOADER_PLACEHOLDER;
    let split = wasm_split_cli_support::transform(options).map_err(|e| format!("{e:?}"))?;
    // In name order, so the same input always gives the same bytes (and file names).
    let ordered: std::collections::BTreeMap<_, _> = split.prefetch_map.iter().collect();
    let manifest = serde_json::to_string_pretty(&ordered).map_err(|e| e.to_string())?;
    let manifest_path = pkg_dir.join("__wasm_split_manifest.json");
    std::fs::write(&manifest_path, manifest)
        .map_err(|e| format!("cannot write {}: {e}", manifest_path.display()))?;
    Ok(split.split_modules.len())
}
