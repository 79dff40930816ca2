#!/usr/bin/env node
// Runs a wasm32-wasi command with node's built-in WASI (preview1), for comparing
// output and speed with `wippy wasm`.
//   node scripts/run-node-wasi.js [--dir HOST::GUEST]... [--env NAME=VALUE]... FILE.wasm [ARGS...]
// Prints the program's output, exits with its exit code; with WIPPY_NODE_TIME=1 also
// prints compile and run times to stderr.
'use strict';
process.removeAllListeners('warning');  // "WASI is an experimental feature"
const fs = require('fs');
const { WASI } = require('wasi');

const argv = process.argv.slice(2);
const preopens = {};
const env = {};
while (argv.length && argv[0].startsWith('--')) {
  const opt = argv.shift();
  const value = argv.shift() ?? '';
  if (opt === '--dir') {
    const [host, guest] = value.includes('::') ? value.split('::') : [value, value];
    preopens[guest.startsWith('/') ? guest : '/' + guest] = host;
  } else if (opt === '--env') {
    const eq = value.indexOf('=');
    env[value.slice(0, eq)] = value.slice(eq + 1);
  } else {
    console.error(`unknown option ${opt}`);
    process.exit(2);
  }
}
const [file, ...args] = argv;
if (!file) {
  console.error('usage: node scripts/run-node-wasi.js [--dir HOST::GUEST]... [--env NAME=VALUE]... FILE.wasm [ARGS...]');
  process.exit(2);
}
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env, preopens, returnOnExit: true });
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
