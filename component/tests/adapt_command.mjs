// Turns a wasm32-wasi (preview1) command module into a WASI 0.2 command component
// with the preview1 command adapter that jco ships (wasm-tools component new --adapt):
//   node adapt_command.mjs JCO_DIR CORE.wasm OUT.wasm
import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [jcoDir, core, out] = process.argv.slice(2);
const api = await import(pathToFileURL(path.join(jcoDir, 'node_modules/@bytecodealliance/jco/dist/api.js')).href);
const adapter = await readFile(api.preview1AdapterCommandPath());
await writeFile(out, await api.componentNew(await readFile(core), [['wasi_snapshot_preview1', adapter]]));
