// The demo's WASM worker: compute(a, b) = a * b. Built for wasm32-wasi without a
// libc entry point (a library module with one export and no imports).
__attribute__((export_name("compute"))) int compute(int a, int b) { return a * b; }
