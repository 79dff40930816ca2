// Turns a core module into a component with jco (wasm-tools component embed + new):
//   node make_component.mjs JCO_DIR CORE.wasm WORLD.wit WORLD_NAME ENCODING OUT.wasm [DEP.wit ...]
// ENCODING is utf8, utf16 or compact-utf16 (latin1+utf16). The WIT is passed as
// source text (jco's bundled wasm-tools cannot open host paths): WORLD.wit with each
// DEP.wit (nested `package ... { }` blocks only) appended.
import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [jcoDir, core, wit, world, encoding, out, ...deps] = process.argv.slice(2);
const api = pathToFileURL(path.join(jcoDir, 'node_modules/@bytecodealliance/jco/dist/api.js'));
const { componentEmbed, componentNew } = await import(api.href);
const embedded = await componentEmbed({
  binary: await readFile(core),
  witSource: (await Promise.all([wit, ...deps].map((f) => readFile(f, 'utf8')))).join('\n'),
  world,
  stringEncoding: encoding,
});
await writeFile(out, await componentNew(embedded, []));
