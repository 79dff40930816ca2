#!/usr/bin/env node
// Differential test of `wippy wasm` against node (V8) and against itself under fuel
// slicing and fuel limits, on random valid modules from binaryen (`wasm-opt -ttf`).
//
//   node tests/differential/differential.js --wippy build/cli/wippy [--seeds N]
//        [--first-seed S] [--keep DIR] [--node-only] [--verbose]
//   WIPPY_DIFF_SEEDS=N sets the default for --seeds (12).
//
// For each seed: deterministic random bytes -> `wasm-opt -ttf` with the features wippy
// supports, and `--denan` (no NaN payloads from arithmetic) -> the "fuzzing-support"
// log imports turned into empty functions (no import remains) -> for every export with
// numeric parameters and results, a wrapper export "diff:NAME" that calls it with fixed
// arguments and returns its results and the hash of memory after it. Each wrapper runs
//   - in node, in a fresh instance per call (the reference result);
//   - under `wippy wasm FILE --invoke diff:NAME --stats`, one process (so one instance)
//     per call, which is why node uses a fresh instance per call too;
//   - the same with --slice 1, 7 and 10000: results, trap message and fuel consumed
//     must equal the unsliced run's;
//   - with --fuel F (F = the fuel the unsliced run consumed): the same outcome; with
//     --fuel F-1, unsliced and with --slice 7: a trap 'fuel exhausted' at the same fuel.
// --node-only skips the slicing and fuel-limit runs (a faster search for wrong results).
// Results are compared as values (floats by bits, any NaN equal to any NaN); traps are
// compared as trap/no-trap with node (the wording differs) and exactly between wippy runs.
// Prints a line per seed and a summary; exits 1 if anything diverged, 2 on a setup error.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

// binaryen 108 (Debian 12) encodes reference-types as a pre-standard dialect (anyref
// above funcref, typed references) that V8 rejects, so reference types stay off here;
// the spec tests cover them. Threads, exceptions, GC and memory64 are not supported by
// wippy; binaryen 108 emits no multi-memory. SIMD and tail calls are on (exports with
// v128 in their signature are skipped, SIMD inside functions is compared).
const FEATURES = ['--mvp-features', '--enable-sign-ext', '--enable-nontrapping-float-to-int',
  '--enable-multivalue', '--enable-bulk-memory', '--enable-mutable-globals', '--enable-simd',
  '--enable-tail-call'];
// wabt's flags for the same features (it knows the others by default).
const WABT_FEATURES = ['--enable-tail-call'];
const SLICES = [1, 7, 10000];
const WIPPY_TIMEOUT_MS = 60000;  // a hang is a divergence, not a stuck CI job
const PARALLEL = Math.max(1, Math.min(os.cpus().length, 4));  // exports checked at once
const NUMERIC = new Set(['i32', 'i64', 'f32', 'f64']);

function parseArgs(argv) {
  const opt = {
    wippy: null, seeds: Number(process.env.WIPPY_DIFF_SEEDS || 12), firstSeed: 1,
    keep: null, nodeOnly: false, verbose: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--wippy') opt.wippy = value();
    else if (a === '--seeds') opt.seeds = Number(value());
    else if (a === '--first-seed') opt.firstSeed = Number(value());
    else if (a === '--keep') opt.keep = value();
    else if (a === '--node-only') opt.nodeOnly = true;
    else if (a === '--verbose') opt.verbose = true;
    else usage(`unknown option ${a}`);
  }
  if (!opt.wippy) usage('--wippy PATH is required');
  if (!Number.isInteger(opt.seeds) || opt.seeds < 0) usage('--seeds must be a non-negative integer');
  if (!Number.isInteger(opt.firstSeed) || opt.firstSeed < 0) usage('--first-seed must be a non-negative integer');
  return opt;
}

function usage(message) {
  console.error(`differential: ${message}`);
  console.error('usage: node differential.js --wippy PATH [--seeds N] [--first-seed S] [--keep DIR] [--node-only] [--verbose]');
  process.exit(2);
}

// splitmix64: the same bytes for a seed on every machine.
function randomBytes(seed, n) {
  let state = BigInt.asUintN(64, BigInt(seed) * 0x9E3779B97F4A7C15n + 0x632BE59BD9B4E019n);
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i += 8) {
    state = BigInt.asUintN(64, state + 0x9E3779B97F4A7C15n);
    let z = state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94D049BB133111EBn);
    z ^= z >> 31n;
    for (let b = 0; b < 8 && i + b < n; b++) out[i + b] = Number((z >> BigInt(8 * b)) & 0xFFn);
  }
  return out;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`cannot run ${cmd}: ${r.error.message}`);
  return r;
}

function runTool(cmd, args) {
  const r = run(cmd, args);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.trim()}`);
  return r;
}

// Builds the module for `seed` in `dir`. Returns {file, calls}: the final .wasm and,
// for each export with numeric parameters and results, the wrapper export that calls
// it: {name (the wrapper's), target, args, results}.
function generateModule(seed, dir) {
  const input = path.join(dir, 'input.dat');
  const generated = path.join(dir, 'generated.wasm');
  const text = path.join(dir, 'module.wat');
  const final = path.join(dir, 'module.wasm');
  fs.writeFileSync(input, randomBytes(seed, 1024 + (seed * 2654435761 % 7168)));
  runTool('wasm-opt', [input, '-ttf', ...FEATURES, '--denan', '-o', generated]);
  const fns = exportedFunctions(fs.readFileSync(generated));
  const hash = fns.find((fn) => fn.name === 'hashMemory' && fn.params.length === 0 &&
    fn.results.join() === 'i32');
  // Each import (binaryen's "fuzzing-support" logging) becomes a function with the same
  // type and an empty body, keeping every function index.
  const lines = runTool('wasm2wat', [...WABT_FEATURES, generated]).stdout.trimEnd().split('\n').map((line) =>
    line.replace(/^(\s*)\(import "[^"]*" "[^"]*" \(func (\(;\d+;\)) \(type (\d+)\)\)\)$/, '$1(func $2 (type $3))'));
  if (lines.some((line) => /^\s*\(import /.test(line))) throw new Error(`seed ${seed}: an import that is not a function`);
  // Wrappers: call the export with fixed arguments, then return its results and the
  // hash of memory after it (hashMemory, when the module has memory), so that stores
  // are compared too, not only results.
  const calls = [];
  const wrappers = [];
  for (const fn of fns) {
    if (![...fn.params, ...fn.results].every((t) => NUMERIC.has(t))) continue;
    const name = `diff:${fn.name}`;
    const args = argumentsFor(fn.params);
    const results = hash ? [...fn.results, 'i32'] : fn.results;
    const body = [...fn.params.map((t, k) => `${t}.const ${args[k]}`), `call ${fn.index}`];
    if (hash) body.push(`call ${hash.index}`);
    wrappers.push(`  (func (export "${name}") (result ${results.join(' ')}) ${body.join(' ')})`);
    calls.push({ name, target: fn.name, args, results });
  }
  const last = lines.length - 1;
  if (!lines[last].endsWith(')')) throw new Error(`seed ${seed}: unexpected wasm2wat output`);
  lines[last] = lines[last].slice(0, -1);
  fs.writeFileSync(text, [...lines, ...wrappers, ')', ''].join('\n'));
  runTool('wat2wasm', [...WABT_FEATURES, text, '-o', final]);
  return { file: final, calls, skipped: fns.length - calls.length };
}

// The exported functions of a module with their signatures, read from the binary
// (node has no type reflection): [{name, index, params: ['i32', ...], results: [...]}].
function exportedFunctions(bytes) {
  let pos = 0;
  const u8 = () => bytes[pos++];
  const uleb = () => {
    let result = 0, shift = 0, b;
    do {
      b = u8();
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return result;
  };
  const name = () => {
    const n = uleb();
    const s = bytes.subarray(pos, pos + n).toString('utf8');
    pos += n;
    return s;
  };
  const valType = (b) => ({ 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128',
    0x70: 'funcref', 0x6f: 'externref' })[b] || `type 0x${b.toString(16)}`;
  const types = [], funcTypes = [], exports = [];
  pos = 8;
  while (pos < bytes.length) {
    const id = u8();
    const size = uleb();
    const end = pos + size;
    if (id === 1) {
      for (let n = uleb(); n > 0; n--) {
        if (u8() !== 0x60) throw new Error('unexpected type form');
        const params = Array.from({ length: uleb() }, () => valType(u8()));
        const results = Array.from({ length: uleb() }, () => valType(u8()));
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = uleb(); n > 0; n--) {
        name(); name();
        const kind = u8();
        if (kind === 0) funcTypes.push(uleb());
        else throw new Error('the module still imports something');
      }
    } else if (id === 3) {
      for (let n = uleb(); n > 0; n--) funcTypes.push(uleb());
    } else if (id === 7) {
      for (let n = uleb(); n > 0; n--) {
        const exportName = name();
        const kind = u8();
        const index = uleb();
        if (kind === 0) exports.push({ name: exportName, index, ...types[funcTypes[index]] });
      }
    }
    pos = end;
  }
  return exports;
}

// Fixed, varied arguments: the k-th parameter of every call gets ARG_VALUES[k % n].
const ARG_VALUES = [0, 1, -1, 7, 65536, -2147483648, 100, 3];
function argumentsFor(params) {
  return params.map((t, k) => {
    const v = ARG_VALUES[k % ARG_VALUES.length];
    return t === 'f32' || t === 'f64' ? `${v}.5` : String(v);
  });
}

// A call's outcome in one comparable form: {trap: message} or {values: [text...]}.
function nodeCall(module, fn) {
  try {
    const instance = new WebAssembly.Instance(module, {});
    let r = instance.exports[fn.name]();
    if (fn.results.length === 0) r = [];
    else if (fn.results.length === 1) r = [r];
    return { values: r.map((v, k) => formatJs(fn.results[k], v)) };
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) return { trap: e.message };
    throw e;
  }
}

// Both sides' values become one canonical text: integers in signed decimal, floats as
// the hex of their bits, every NaN as "nan" (JS does not keep NaN payloads).
function formatJs(type, v) {
  if (type === 'i32' || type === 'i64') return String(v);
  return floatKey(type, v);
}

function floatKey(type, x) {
  if (Number.isNaN(x)) return 'nan';
  const view = new DataView(new ArrayBuffer(8));
  if (type === 'f32') {
    view.setFloat32(0, x);
    return `f32:${view.getUint32(0).toString(16)}`;
  }
  view.setFloat64(0, x);
  return `f64:${view.getBigUint64(0).toString(16)}`;
}

function formatWippy(type, text) {
  if (type === 'i32' || type === 'i64') return text;
  if (/^[+-]?nan/.test(text)) return 'nan';
  const x = text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text);
  if (Number.isNaN(x)) return `unparsable ${type} '${text}'`;
  return floatKey(type, type === 'f32' ? Math.fround(x) : x);
}

// Runs a program without blocking: {status, signal, stdout, stderr} or {timedOut}.
function runAsync(cmd, args, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(new Error(`cannot run ${cmd}: ${e.message}`)); });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ timedOut, status, signal, stdout, stderr });
    });
  });
}

// One `wippy wasm --invoke` run: {values | trap | error, fuel, exitCode} or {hang}.
async function wippyCall(opt, file, fn, extra) {
  const argv = ['wasm', file, '--invoke', fn.name, '--stats', ...extra];
  const r = await runAsync(opt.wippy, argv, WIPPY_TIMEOUT_MS);
  const command = `wippy ${argv.join(' ')}`;
  if (r.timedOut) return { hang: true, command };
  const fuelLine = r.stderr.match(/^fuel consumed: (\d+)$/m);
  const trapLine = r.stderr.match(/^wippy: trap: (.*)$/m);
  const outcome = { command, exitCode: r.status, fuel: fuelLine ? BigInt(fuelLine[1]) : null };
  if (r.status === 0) {
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    outcome.values = fn.results.map((t, k) => (k < lines.length ? formatWippy(t, lines[k]) : 'missing'));
  } else if (r.status === 134 && trapLine) {  // wippy wasm exits 134 on a trap
    outcome.trap = trapLine[1];
  } else {
    const how = r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
    outcome.error = `${how}: ${r.stderr.trim().split('\n')[0] || '(no message)'}`;
  }
  return outcome;
}

function describe(o) {
  if (o.hang) return `no answer in ${WIPPY_TIMEOUT_MS / 1000} s`;
  if (o.error) return o.error;
  const fuel = o.fuel === undefined || o.fuel === null ? '' : `, fuel ${o.fuel}`;
  return o.trap !== undefined ? `trap '${o.trap}'${fuel}` : `[${o.values.join(', ')}]${fuel}`;
}

const sameValues = (a, b) => a.values !== undefined && b.values !== undefined &&
  a.values.join(',') === b.values.join(',');

// Checks one export; returns the list of divergences (strings).
async function checkCall(opt, file, module, fn) {
  const problems = [];
  const reference = nodeCall(module, fn);
  const base = await wippyCall(opt, file, fn, []);
  if (base.hang || base.error) return [`reproduce: ${base.command}`, `unsliced: ${describe(base)}`];
  if ((reference.trap !== undefined) !== (base.trap !== undefined) ||
      (reference.values && !sameValues(reference, base))) {
    problems.push(`node ${describe(reference)} vs wippy ${describe(base)}`);
  }
  if (opt.nodeOnly) return problems.length ? [`reproduce: ${base.command}`, ...problems] : [];
  const same = (a, b) => !a.hang && !a.error && !b.hang && !b.error && a.fuel === b.fuel &&
    (b.trap !== undefined ? a.trap === b.trap : sameValues(a, b));
  for (const s of SLICES) {
    const o = await wippyCall(opt, file, fn, ['--slice', String(s)]);
    if (!same(o, base)) problems.push(`--slice ${s}: ${describe(o)}; unsliced: ${describe(base)}`);
  }
  // --fuel 0 means "no limit", so the limits need F >= 1 (and F-1 >= 1).
  const F = base.fuel;
  if (F !== null && F >= 1n) {
    const o = await wippyCall(opt, file, fn, ['--fuel', String(F)]);
    if (!same(o, base)) problems.push(`--fuel ${F}: ${describe(o)}; unlimited: ${describe(base)}`);
  }
  if (F !== null && F >= 2n) {
    // Under F-1 the run must trap 'fuel exhausted', at the same point (the same fuel
    // consumed) whatever the slicing; it may stop before F-1 units if the next
    // instruction costs more than what is left.
    const limit = ['--fuel', String(F - 1n)];
    const short = await wippyCall(opt, file, fn, limit);
    if (short.trap !== 'fuel exhausted' || short.fuel === null || short.fuel > F - 1n) {
      problems.push(`--fuel ${F - 1n}: ${describe(short)}; expected trap 'fuel exhausted'`);
    }
    const sliced = await wippyCall(opt, file, fn, [...limit, '--slice', '7']);
    if (!same(sliced, short)) {
      problems.push(`--fuel ${F - 1n} --slice 7: ${describe(sliced)}; unsliced: ${describe(short)}`);
    }
  }
  if (problems.length) problems.unshift(`reproduce: ${base.command}`);
  return problems;
}

// Runs `work(item)` for every item with at most `limit` running at once, in order of
// the items in the result.
async function mapLimited(items, limit, work) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function main() {
  const opt = parseArgs(process.argv.slice(2));
  for (const [tool, pkg] of [['wasm-opt', 'binaryen'], ['wasm2wat', 'wabt'], ['wat2wasm', 'wabt']]) {
    if (run('sh', ['-c', `command -v ${tool}`]).status !== 0) usage(`${tool} not found (${pkg}; scripts/install-deps.sh)`);
  }
  if (!fs.existsSync(opt.wippy)) usage(`${opt.wippy} not found (build first)`);
  const scratch = opt.keep || fs.mkdtempSync(path.join(os.tmpdir(), 'wippy-diff-'));
  const totals = { modules: 0, calls: 0, skipped: 0, divergences: 0, divergentSeeds: [] };
  for (let seed = opt.firstSeed; seed < opt.firstSeed + opt.seeds; seed++) {
    const dir = path.join(scratch, `seed-${seed}`);
    fs.mkdirSync(dir, { recursive: true });
    const { file, calls, skipped } = generateModule(seed, dir);
    const module = new WebAssembly.Module(fs.readFileSync(file));
    totals.modules++;
    const found = await mapLimited(calls, PARALLEL, async (call) => {
      const problems = await checkCall(opt, file, module, call);
      if (opt.verbose) console.log(`  seed ${seed} ${call.target}: ${problems.length ? 'DIVERGES' : 'same'}`);
      return problems.length ? [`  ${call.target}(${call.args.join(', ')}):`, ...problems.map((p) => `    ${p}`)] : [];
    });
    const divergent = found.filter((lines) => lines.length).length;
    totals.calls += calls.length;
    totals.skipped += skipped;
    totals.divergences += divergent;
    if (divergent) totals.divergentSeeds.push(seed);
    console.log(`seed ${seed}: ${calls.length} calls, ${skipped} skipped, ` +
      `${divergent ? `${divergent} DIVERGENT` : 'all the same'}${divergent || opt.keep ? ` (${file})` : ''}`);
    for (const line of found.flat()) console.log(line);
  }
  if (!opt.keep && totals.divergences === 0) fs.rmSync(scratch, { recursive: true, force: true });
  console.log(`differential: ${totals.modules} modules, ${totals.calls} calls, ${totals.skipped} exports ` +
    `skipped (non-numeric types), ${totals.divergences} divergent calls` +
    (totals.divergentSeeds.length ? ` (seeds ${totals.divergentSeeds.join(' ')})` : '') +
    (opt.nodeOnly ? '; runs per call: node; wippy unsliced' :
      `; runs per call: node; wippy unsliced, --slice ${SLICES.join(', --slice ')}, --fuel F, ` +
      '--fuel F-1, --fuel F-1 --slice 7 (F = fuel consumed unsliced)'));
  if (totals.divergences) console.log(`differential: modules kept in ${scratch}`);
  return totals.divergences ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => {
  console.error(`differential: ${e.message}`);
  process.exit(2);
});
