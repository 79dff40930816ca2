#!/usr/bin/env node
// Runs a wasm32-wasi command with node's built-in WASI (preview1), for comparing
// output and speed with `wippy wasm`.
//   node scripts/run-node-wasi.js FILE.wasm [ARGS...]
// Prints the program's output, exits with its exit code; with WIPPY_NODE_TIME=1 also
// prints compile and run times to stderr.
'use strict';
process.removeAllListeners('warning');  // "WASI is an experimental feature"
const fs = require('fs');
const { WASI } = require('wasi');

const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/run-node-wasi.js FILE.wasm [ARGS...]');
  process.exit(2);
}
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {}, returnOnExit: true });
const t0 = process.hrtime.bigint();
const wasmModule = new WebAssembly.Module(fs.readFileSync(file));
const imports = typeof wasi.getImportObject === 'function'
  ? wasi.getImportObject()
  : { wasi_snapshot_preview1: wasi.wasiImport };
const instance = new WebAssembly.Instance(wasmModule, imports);
const t1 = process.hrtime.bigint();
const code = wasi.start(instance);
const t2 = process.hrtime.bigint();
if (process.env.WIPPY_NODE_TIME) {
  console.error(`node: compile ${Number(t1 - t0) / 1e6} ms, run ${Number(t2 - t1) / 1e6} ms`);
}
process.exitCode = code ?? 0;
