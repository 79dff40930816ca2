// The reference run: the types guest transpiled by `jco transpile` runs on node (the
// Bytecode Alliance's JS implementation of the canonical ABI), with the same host
// imports as abi_test.cpp. Prints one JSON line per call: the export, its arguments
// and its result in a neutral form (BigInt as a decimal string, typed arrays as
// arrays, undefined as null, a result as {tag, val}); reference_test.cpp feeds the
// same arguments to our implementation and compares the results.
//   node reference.mjs TRANSPILED_DIR
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = process.argv[2];
const { instantiate } = await import(pathToFileURL(path.join(dir, 'types.js')).href);

class Blob {
  constructor(size) { this.rep = size * 10; }
  size() { return this.rep / 10; }
}
const host = {
  log: () => {},
  combine: (p, xs) => {
    if (xs.length === 0) throw 'no numbers';  // jco: a thrown value is the err case
    let a = p.a;
    for (const x of xs) a += x;
    return { a: a >>> 0, b: p.b + '!' };
  },
  Blob,
};
const root = await instantiate(async (p) => WebAssembly.compile(await readFile(path.join(dir, p))),
                               { 'test:types/host': host });

function neutral(v) {
  if (typeof v === 'bigint') return v.toString();
  if (v === undefined) return null;
  if (ArrayBuffer.isView(v)) return Array.from(v, neutral);
  if (Array.isArray(v)) return v.map(neutral);
  if (v !== null && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v).sort()) if (v[k] !== undefined) o[k] = neutral(v[k]);
    return o;
  }
  return v;
}

const everything = () => ({
  flag: true, a8: -5, b8: 250, a16: -30000, b16: 60000, a32: -2000000000, b32: 4000000000,
  a64: -9000000000000000000n, b64: 18000000000000000000n, f: 1.5, d: -2.25, c: '\u{1F600}',
  s: 'héllo wörld', pts: [{ x: 1, y: 2 }, { x: -3, y: 4 }], names: ['a', '', 'ünï'], col: 'blue',
  p: { read: true, write: false, exec: true }, sh: { tag: 'rect', val: { x: 7, y: -8 } }, maybe: 'yes',
  res: { tag: 'err', val: 'bad' }, pair: [9, 'nine'], nested: [new Uint16Array([1, 2, 3]), new Uint16Array([]), new Uint16Array([65535])],
});
const other = { ...everything(), sh: { tag: 'big', val: 18446744073709551615n }, maybe: undefined, res: { tag: 'ok', val: 42 }, pts: [] };

// [export name as the component spells it, function, result is a `result<..>` (jco throws its err), args]
const api = root.api;
const calls = [
  ['add', root.add, false, [40, 2]],
  ['test:types/api#make-everything', api.makeEverything, false, []],
  ['test:types/api#check-everything', api.checkEverything, false, [everything()]],
  ['test:types/api#echo-everything', api.echoEverything, false, [everything()]],
  ['test:types/api#echo-everything', api.echoEverything, false, [other]],
  ['test:types/api#echo-shape', api.echoShape, false, [{ tag: 'circle', val: -0.75 }]],
  ['test:types/api#echo-shape', api.echoShape, false, [{ tag: 'rect', val: { x: -1, y: -2147483648 } }]],
  ['test:types/api#echo-shape', api.echoShape, false, [{ tag: 'dot' }]],
  ['test:types/api#echo-shape', api.echoShape, false, [{ tag: 'big', val: 9223372036854775809n }]],
  ['test:types/api#echo-char', api.echoChar, false, ['\u{10FFFF}']],
  ['test:types/api#echo-floats', api.echoFloats, false, [3.25, -1e300]],
  ['test:types/api#echo-option', api.echoOption, false, [7]],
  ['test:types/api#echo-option', api.echoOption, false, [undefined]],
  ['test:types/api#echo-result', api.echoResult, true, [{ tag: 'ok', val: 'fine ✓' }]],
  ['test:types/api#echo-result', api.echoResult, true, [{ tag: 'err', val: 200 }]],
  ['test:types/api#echo-flags', api.echoFlags, false, [{ write: true, exec: true }]],
  ['test:types/api#echo-color', api.echoColor, false, ['green']],
  ['test:types/api#echo-ints', api.echoInts, false, [-128, 255, -32768, 65535, -9223372036854775808n, 18446744073709551615n]],
  ['test:types/api#sum', api.sum, false, [new Uint32Array([1, 2, 4000000000, 4000000000])]],
  ['test:types/api#count-bytes', api.countBytes, false, ['😀']],
  ['test:types/api#make-greeting', api.makeGreeting, false, ['wörld']],
  ['test:types/api#call-combine', api.callCombine, true, [1, 'abc', new Uint32Array([2, 3])]],
  ['test:types/api#call-combine', api.callCombine, true, [1, 'abc', new Uint32Array([])]],
  ['test:types/api#use-blob', api.useBlob, false, [7]],
];
for (const [name, fn, isResult, args] of calls) {
  let result;
  try {
    const r = fn(...args);
    result = isResult ? { tag: 'ok', val: r } : r;
  } catch (e) {
    if (!isResult) throw e;
    result = { tag: 'err', val: e.payload };
  }
  console.log(JSON.stringify({ name, args: neutral(args), result: neutral(result) }));
}
