// The reference run of guests/js/fetch.js: its component as `jco transpile` made it,
// on node with preview2-shim (whose wasi:http sends real requests), against the
// server js_fetch_test.cpp started. Prints one JSON line per call ({name, args,
// result}); the test makes the same calls on our host and compares.
//   node js_fetch_reference.mjs JCO_DIR TRANSPILED_DIR NAME BASE_URL REFUSED_URL
import { instantiateTranspiled, printCalls } from './js_instantiate.mjs';

const [jcoDir, dir, name, base, refused] = process.argv.slice(2);
const { root } = await instantiateTranspiled(jcoDir, dir, name);
printCalls([
  ['fetch-summary', root.fetchSummary, [base]],
  ['fetch-error', root.fetchError, [refused]],
]);
