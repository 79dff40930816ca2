// Turns a JavaScript guest into a component with componentize-js (SpiderMonkey
// inside), then transpiles that component with `jco transpile` for the reference run
// on node. Writes STATUS last: "built", or "skipped: <why>" when componentize-js is
// not installed (the test that needs the component then reports a skip).
//   node componentize_js.mjs JCO_DIR SOURCE WIT WORLD OUT TRANSPILED_DIR STATUS [DISABLED]
// DISABLED: the componentize-js features left out, comma-separated (default
// http,fetch-event: a guest that does not fetch imports no wasi:http at all; keep
// `http` for `fetch`, which componentize-js implements on wasi:http/outgoing-handler).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [jcoDir, source, wit, world, out, transpiled, status, disabled = 'http,fetch-event'] = process.argv.slice(2);
const modules = path.join(jcoDir, 'node_modules/@bytecodealliance');
const entry = path.join(modules, 'componentize-js/src/componentize.js');
await rm(out, { force: true });
// componentize-js needs preview2-shim at run time (only a dev dependency of its own),
// so a tree where jco pulled in componentize-js alone counts as not installed.
for (const needed of [entry, path.join(modules, 'preview2-shim/package.json')]) {
  if (!existsSync(needed)) {
    await writeFile(status, `skipped: ${needed} is not installed (scripts/install-jco.sh ${jcoDir})\n`);
    process.exit(0);
  }
}
const { componentize } = await import(pathToFileURL(entry).href);
const { component } = await componentize({
  sourcePath: source, witPath: wit, worldName: world, disableFeatures: disabled.split(',').filter(Boolean),
});
await writeFile(out, component);
execFileSync(process.execPath, [path.join(modules, 'jco/dist/jco.js'), 'transpile', out, '--instantiation', 'async',
  '--name', path.basename(out, '.component.wasm'), '-o', transpiled, '--quiet'], { stdio: 'inherit' });
await writeFile(status, 'built\n');
