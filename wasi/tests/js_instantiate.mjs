// Instantiates a component that `jco transpile --instantiation async` made, on node
// with jco's WASI 0.2 shim (preview2-shim) as every wasi:* import: the reference
// runs of the JavaScript guests (js_reference.mjs, js_fetch_reference.mjs).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

// The component's exports (root) and how long node took to compile and instantiate it.
export async function instantiateTranspiled(jcoDir, dir, name) {
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
  return { root, compile_ms: t0 - tc, instantiate_ms: performance.now() - t0 };
}

// Makes each call, printing one JSON line ({name, args, result}) per call.
export function printCalls(calls) {
  for (const [call, fn, args] of calls) {
    const result = fn(...args);
    console.log(JSON.stringify({ name: call, args, result: result === undefined ? null : result }));
  }
}
