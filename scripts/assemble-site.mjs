// The last step of the release build (scripts/build-site.sh): names each file of the
// browser bundle after its content, points the files at each other's new names, writes
// hash.txt for the server, and stores every site file brotli- and gzip-compressed.
//
//     node scripts/assemble-site.mjs <site-root> <pkg-dir> <output-name> <hash-file>
//
// Each name carries a 22-character digest (MD5, base64url), as leptos and the server
// expect (`app/src/site_files.rs`). The files name each other in a circle (the main JS
// imports the split loader, which imports the main JS), so no file's digest can cover
// the names inside it. Instead every digest covers the whole bundle as built, before any
// name is patched in: a change to any file gives every file a new name, so a browser
// that keeps named files for a year never pairs an old file with a new one.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const [siteRoot, pkgDir, name, hashFile] = process.argv.slice(2);
if (!hashFile) {
  console.error('usage: node scripts/assemble-site.mjs <site-root> <pkg-dir> <output-name> <hash-file>');
  process.exit(2);
}
const pkg = join(siteRoot, pkgDir);
// The split tool names the loader with this placeholder, the length of a digest, so the
// main WASM (which names the loader) can be patched in place.
const PLACEHOLDER = '_'.repeat(22);
const LOADER = `__wasm_split.${PLACEHOLDER}.js`;
const MANIFEST = '__wasm_split_manifest.json';

const files = readdirSync(pkg)
  .filter((file) => statSync(join(pkg, file)).isFile())
  .sort();
const bytes = new Map(files.map((file) => [file, readFileSync(join(pkg, file))]));

const md5 = (...parts) => {
  const hash = createHash('md5');
  for (const part of parts) hash.update(part);
  return hash.digest('base64url');
};
const bundle = md5(...files.flatMap((file) => [file, '\0', bytes.get(file), '\0']));
const digest = new Map(files.map((file) => [file, md5(bundle, file, bytes.get(file))]));
const renamed = new Map(
  files.map((file) => {
    const hash = digest.get(file);
    if (file.includes(PLACEHOLDER)) return [file, file.replace(PLACEHOLDER, hash)];
    const dot = file.lastIndexOf('.');
    return [file, `${file.slice(0, dot)}.${hash}${file.slice(dot)}`];
  }),
);

/** Every occurrence of `from` in `buffer` replaced by `to` (bytes, so WASM too). */
function replaceAll(buffer, from, to) {
  const needle = Buffer.from(from);
  const parts = [];
  let start = 0;
  for (let at = buffer.indexOf(needle); at !== -1; at = buffer.indexOf(needle, start)) {
    parts.push(buffer.subarray(start, at), Buffer.from(to));
    start = at + needle.length;
  }
  parts.push(buffer.subarray(start));
  return Buffer.concat(parts);
}

const loaderName = renamed.get(LOADER);
for (const file of files) {
  let content = bytes.get(file);
  if (file === `${name}.js` || file === LOADER) {
    // The main JS imports the loader; the loader imports the main JS and fetches chunks.
    for (const [from, to] of renamed) content = replaceAll(content, from, to);
  } else if (file.endsWith('.wasm') && loaderName) {
    // Same length: the module's import section keeps its size.
    content = replaceAll(content, LOADER, loaderName);
  } else if (file === MANIFEST) {
    // Which chunks each lazy part needs, by file stem: the new stems, compact.
    const stem = (wasm) => wasm.slice(0, -'.wasm'.length);
    const stems = new Map([...renamed].filter(([from]) => from.endsWith('.wasm')).map(([f, t]) => [stem(f), stem(t)]));
    const parts = JSON.parse(content.toString('utf8'));
    for (const part of Object.keys(parts)) parts[part] = parts[part].map((chunk) => stems.get(chunk) ?? chunk);
    content = Buffer.from(JSON.stringify(parts));
  }
  writeFileSync(join(pkg, file), content);
  renameSync(join(pkg, file), join(pkg, renamed.get(file)));
}

const required = { js: `${name}.js`, wasm: `${name}.wasm`, css: `${name}.css` };
for (const [kind, file] of Object.entries(required)) {
  if (!digest.has(file)) throw new Error(`${pkg} has no ${file} (${kind})`);
}
const lines = [
  `js: ${digest.get(required.js)}`,
  `wasm: ${digest.get(required.wasm)}`,
  `css: ${digest.get(required.css)}`,
  ...(digest.has(MANIFEST) ? [`manifest: ${digest.get(MANIFEST)}`] : []),
  ...(digest.has(LOADER) ? [`split: ${digest.get(LOADER)}`] : []),
];
writeFileSync(hashFile, `${lines.join('\n')}\n`);

// Every site file, compressed at the best ratio once here rather than on each request.
function compressAll(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      compressAll(path);
    } else if (!/\.(br|gz)$/.test(entry.name)) {
      const content = readFileSync(path);
      writeFileSync(`${path}.gz`, gzipSync(content, { level: 9 }));
      writeFileSync(
        `${path}.br`,
        brotliCompressSync(content, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_LGWIN]: 22,
            [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
          },
        }),
      );
    }
  }
}
compressAll(siteRoot);
console.log(`assemble-site: ${files.length} files named, ${hashFile} written, ${siteRoot} compressed`);
