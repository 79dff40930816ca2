// A JavaScript guest that calls an HTTP API with `fetch`: componentize-js (its
// `http` feature) implements fetch on wasi:http/outgoing-handler. js_fetch_test.cpp
// runs it on our host and under `jco transpile` on node against one test server.

// GET BASE/hello, then POST a body to BASE/echo; one line about both responses.
export async function fetchSummary(base) {
  const got = await fetch(`${base}/hello`);
  const text = await got.text();
  const posted = await fetch(`${base}/echo`, { method: 'POST', body: 'sent by js', headers: { 'x-from': 'js' } });
  const echo = await posted.text();
  return `GET /hello -> ${got.status} x-test=${got.headers.get('x-test')} "${text}"; ` +
    `POST /echo -> ${posted.status} x-method=${posted.headers.get('x-method')} "${echo}"`;
}

// fetch(url) expected to fail: how the failure reads in JavaScript.
export async function fetchError(url) {
  try {
    const r = await fetch(url);
    return `no error: status ${r.status}`;
  } catch (e) {
    return `${e.name}: ${e.message}`;
  }
}
