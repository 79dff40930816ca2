// The reference run of the JavaScript guest (guests/js/greet.js): its component as
// `jco transpile` made it, on node with jco's WASI 0.2 shim (preview2-shim). Prints
// one JSON line per call ({name, args, result}) and last a timing line ({compile_ms,
// instantiate_ms, call_ms}); js_guest_test.cpp makes the same calls on our runtime and compares.
// console.log's output (say) goes to stdout between them, as it would on ours.
//   node js_reference.mjs JCO_DIR TRANSPILED_DIR NAME
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [jcoDir, dir, name] = process.argv.slice(2);
const shim = await import(pathToFileURL(path.join(jcoDir, 'node_modules/@bytecodealliance/preview2-shim/lib/nodejs/index.js')).href);
const { instantiate } = await import(pathToFileURL(path.join(dir, `${name}.js`)).href);
const imports = {};
for (const [pkg, ifaces] of Object.entries(shim)) {
  for (const [iface, impl] of Object.entries(ifaces)) {
    imports[`wasi:${pkg}/${iface.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`] = impl;
  }
}
const tc = performance.now();
const cores = {};
for (const f of ['.core.wasm', '.core2.wasm', '.core3.wasm', '.core4.wasm']) {
  try { cores[name + f] = await WebAssembly.compile(await readFile(path.join(dir, name + f))); } catch {}
}
const t0 = performance.now();
const root = await instantiate(async (p) => cores[p] ?? WebAssembly.compile(await readFile(path.join(dir, p))), imports);
const t1 = performance.now();
const calls = [
  ['greet', root.greet, ['wörld']],
  ['greet', root.greet, ['']],
  ['say', root.say, ['hello from js']],
  ['test:js/shapes#centroid', root.shapes.centroid, [[{ x: 1, y: 2 }, { x: 4, y: -7 }, { x: -2, y: 0 }]]],
  ['test:js/shapes#centroid', root.shapes.centroid, [[]]],
  ['test:js/shapes#measure', root.shapes.measure, [['a', 'ccc', 'bb', 'ünï']]],
];
for (const [call, fn, args] of calls) {
  const result = fn(...args);
  console.log(JSON.stringify({ name: call, args, result: result === undefined ? null : result }));
}
const t2 = performance.now();
console.log(JSON.stringify({ compile_ms: t0 - tc, instantiate_ms: t1 - t0, call_ms: t2 - t1 }));
