// The reference run of the JavaScript guest (guests/js/greet.js): its component as
// `jco transpile` made it, on node with jco's WASI 0.2 shim (preview2-shim). Prints
// one JSON line per call ({name, args, result}) and last a timing line ({compile_ms,
// instantiate_ms, call_ms}); js_guest_test.cpp makes the same calls on our runtime and compares.
// console.log's output (say) goes to stdout between them, as it would on ours.
//   node js_reference.mjs JCO_DIR TRANSPILED_DIR NAME
import { performance } from 'node:perf_hooks';

import { instantiateTranspiled, printCalls } from './js_instantiate.mjs';

const [jcoDir, dir, name] = process.argv.slice(2);
const { root, compile_ms, instantiate_ms } = await instantiateTranspiled(jcoDir, dir, name);
const t1 = performance.now();
const calls = [
  ['greet', root.greet, ['wörld']],
  ['greet', root.greet, ['']],
  ['say', root.say, ['hello from js']],
  ['test:js/shapes#centroid', root.shapes.centroid, [[{ x: 1, y: 2 }, { x: 4, y: -7 }, { x: -2, y: 0 }]]],
  ['test:js/shapes#centroid', root.shapes.centroid, [[]]],
  ['test:js/shapes#measure', root.shapes.measure, [['a', 'ccc', 'bb', 'ünï']]],
];
printCalls(calls);
const t2 = performance.now();
console.log(JSON.stringify({ compile_ms, instantiate_ms, call_ms: t2 - t1 }));
