// The web client itself (clients/web/src/pulse-client.js, as the local system serves it at /client/) in a real
// browser: reconnecting without loss after the server dropped the connection, and a refused token told from an
// unreachable server where the browser shows both as the same bare 1006 close.
// Run by local/src/test/java/dev/pulse/local/DemoPageBrowserTest.java against its local system, which sets:
//   PULSE_WS_URL          the WebSocket endpoint, e.g. ws://127.0.0.1:8787/local
//   PULSE_HTTP_URL        the gateway's HTTP origin (dev endpoints, /sync), e.g. http://127.0.0.1:8787
//   PULSE_MANAGEMENT_URL  the @connections API (the forced disconnect)
//   PULSE_JWT_SECRET      the local system's token secret (to sign an expired token, which /dev/token will not mint)
//   PULSE_CHROMIUM        the browser (default /usr/bin/chromium)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { closedPort, launchBrowser, required } from './support.mjs';

const WS = required('PULSE_WS_URL');
const HTTP = required('PULSE_HTTP_URL').replace(/\/$/, '');
const MANAGEMENT = required('PULSE_MANAGEMENT_URL').replace(/\/$/, '');
const SECRET = required('PULSE_JWT_SECRET');
const WAIT = 20_000;
const WORKSPACE = `client-${randomUUID().slice(0, 8)}`;

let browser;
let page;
const problems = [];

/** Publishes through /dev/publish; payloads valid under the HYVVE catalog the local system runs with. */
async function publish(event, targets, data) {
  const res = await fetch(`${HTTP}/dev/publish`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ event, workspaceId: WORKSPACE, targets, data }),
  });
  assert.equal(res.status, 200, `publish ${event}: ${await res.text()}`);
}
const chat = (chatId, n) => publish('chat.message', { rooms: [`chat:${chatId}`] }, {
  id: `m-${chatId}-${n}`, workspaceId: WORKSPACE, chatId, senderId: 'bot', content: String(n), createdAt: new Date().toISOString(),
});
const notification = (userId, id) => publish('notification.new', { users: [userId] }, {
  id, workspaceId: WORKSPACE, userId, type: 'test', title: 'missed while away', createdAt: new Date().toISOString(),
});

function signedToken(user, expiresIn) {
  const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = { sub: user, workspaceId: WORKSPACE, iss: 'pulse-local', aud: 'pulse', exp: Math.floor(Date.now() / 1000) + expiresIn };
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${unsigned}.${createHmac('sha256', SECRET).update(unsigned).digest('base64url')}`;
}

/**
 * In the page: a client named `name` with `options` (token: a string, or { user } for a /dev/token function; rooms to
 * join; fixedJitter), its events and notices recorded in window.pulse[name].log.
 */
function startClient(name, options) {
  return page.evaluate(async ({ name, options, ws, workspace }) => {
    const { createClient } = await import('/client/pulse-client.js');
    const { token, rooms = [], fixedJitter, ...rest } = options;
    if (fixedJitter) rest.random = () => 1; // (functions do not cross into the page): each backoff step exactly baseMs
    const c = createClient({
      url: ws, ...rest,
      token: token.user ? () => fetch(`/dev/token?user=${token.user}&workspace=${workspace}`).then((r) => r.json()).then((j) => j.token) : token,
    });
    const log = { events: [], states: [], connectErrors: [], reconnects: [], gaps: [], errors: [] };
    // Presence diffs (one a window after the client's own arrival in each presence room) are not what these tests count.
    c.subscribe('*', (data, frame) => frame.event.startsWith('presence.')
      || log.events.push({ event: frame.event, room: frame.room, seq: frame.seq, data }));
    c.on('state', (s) => log.states.push(s));
    c.on('connect_error', (e) => log.connectErrors.push({ code: e.code, reason: e.reason }));
    c.on('reconnect', (r) => log.reconnects.push(r));
    c.on('gap', (g) => log.gaps.push(g));
    c.on('error', (e) => log.errors.push(`${e.code}: ${e.message}`));
    rooms.forEach((room) => c.join(room).catch(() => {}));
    window.pulse ??= {};
    window.pulse[name] = { client: c, log };
    c.connect();
  }, { name, options, ws: WS, workspace: WORKSPACE });
}

const log = (name) => page.evaluate((n) => window.pulse[n].log, name);
const state = (name) => page.evaluate((n) => window.pulse[n].client.state, name);
/** Waits in the page for predicate({name, arg}); on a timeout the error shows the client's log. */
async function until(name, predicate, arg, timeout = WAIT) {
  try {
    await page.waitForFunction(predicate, { name, arg }, { timeout, polling: 50 });
  } catch (e) {
    const seen = await page.evaluate((n) => ({ state: window.pulse[n].client.state, held: window.pulse[n].client.held,
      positions: window.pulse[n].client.positions, ...window.pulse[n].log }), name).catch(() => null);
    throw new Error(`${e.message}\n${name}: ${JSON.stringify(seen)}`);
  }
}

before(async () => {
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('pageerror', (e) => problems.push(e.message));
  // A page of the local system's origin: Chrome lets only pages from a local address reach local WebSockets.
  await page.goto(`${HTTP}/client/pulse-client.js`);
  await page.setContent('<!doctype html><title>client</title>');
});

after(async () => {
  await page?.evaluate(() => Object.values(window.pulse ?? {}).forEach((p) => p.client.disconnect())).catch(() => {});
  await browser?.close();
  assert.deepEqual(problems, [], 'the page threw');
});

test('dropped by the server, a client in 6 rooms misses events in rooms with and without a position and gets them all, in order, after one reconnect', async () => {
  const rooms = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6'].map((id) => `chat:${id}`);
  // Generous socket and reply timeouts: on a loaded machine a slow upgrade must not count as a failed attempt.
  await startClient('rita', {
    token: { user: 'rita' }, rooms, ordered: true, fixedJitter: true, backoff: { baseMs: 200, maxMs: 200 },
    openTimeoutMs: 60000, requestTimeoutMs: 60000,
  });
  await until('rita', ({ name }) => window.pulse[name].client.state === 'connected');
  await chat('b1', 1);
  await until('rita', ({ name }) => window.pulse[name].log.events.length === 1);
  const before = await page.evaluate(() => window.pulse.rita.client.connectionId);

  // Hold the reconnect at its token request, so the events below are published while rita has no connection.
  const held = [];
  await page.route('**/dev/token*', (route) => { held.push(route); });
  const res = await fetch(`${MANAGEMENT}/@connections/${encodeURIComponent(before)}`, { method: 'DELETE' });
  assert.equal(res.status, 204);
  await until('rita', ({ name }) => window.pulse[name].client.state === 'reconnecting');
  await chat('b1', 2);
  await chat('b1', 3);
  await chat('b6', 1);                 // a room where rita had no event yet: no position
  await notification('rita', 'n-1');   // her user: room, no position either
  await until('rita', () => true);     // (a round trip to the page)
  assert.equal((await log('rita')).events.length, 1, 'nothing arrives without a connection');

  await page.unroute('**/dev/token*');
  for (const route of held) await route.continue().catch(() => {});
  await until('rita', ({ name }) => window.pulse[name].log.events.length === 5 && window.pulse[name].client.state === 'connected',
    undefined, 3 * WAIT);
  const after = await log('rita');
  assert.deepEqual(after.reconnects.map((r) => r.attempt), [1], 'one backoff step');
  // In seq order (fan-outs run concurrently, so 2 and 3 may have been logged, and numbered, either way round).
  const b1 = after.events.filter((e) => e.room === 'chat:b1');
  assert.deepEqual(b1.map((e) => e.seq), [1, 2, 3], 'in seq order');
  assert.deepEqual(b1.map((e) => e.data.content).sort(), ['1', '2', '3']);
  assert.ok(after.events.some((e) => e.room === 'chat:b6'), 'the room without a position was replayed by time');
  assert.ok(after.events.some((e) => e.event === 'notification.new' && e.room === 'user:rita'));
  assert.deepEqual(after.gaps, []);
  const onServer = await page.evaluate(async () => (await window.pulse.rita.client.request('connection.info')).rooms);
  assert.deepEqual(onServer.filter((r) => r.startsWith('chat:')).sort(), rooms, 'every room restored on the server');
  assert.deepEqual((await page.evaluate(() => window.pulse.rita.client.rooms)).sort(), rooms);
  assert.deepEqual(after.errors, []);
});

test('in a browser a refused upgrade is a bare 1006, yet the client reports unauthorized with the reason and stops', async () => {
  await startClient('expired', { token: signedToken('sam', -3600), pollUrl: `${HTTP}/sync` });
  await until('expired', ({ name }) => window.pulse[name].client.state === 'error');
  const seen = await log('expired');
  assert.deepEqual(seen.connectErrors, [{ code: 'unauthorized', reason: 'token_expired' }]);
  assert.deepEqual(seen.reconnects, [], 'a refused token is not retried');
  assert.equal(await page.evaluate(() => window.pulse.expired.client.lastError.code), 'unauthorized');

  // The signature's first character changed (its last one may carry only padding bits: then nothing changes).
  const forged = signedToken('sam', 3600).replace(/\.([^.])([^.]*)$/, (_, first, rest) => `.${first === 'A' ? 'B' : 'A'}${rest}`);
  await startClient('forged', { token: forged, authCheckUrl: `${HTTP}/sync` });
  await until('forged', ({ name }) => window.pulse[name].client.state === 'error');
  assert.deepEqual((await log('forged')).connectErrors, [{ code: 'unauthorized', reason: 'signature_invalid' }]);
});

test('in a browser a server that is down is unreachable, retried with backoff, never unauthorized', async () => {
  const port = await closedPort();
  await startClient('down', {
    token: signedToken('tom', 3600), url: `ws://127.0.0.1:${port}/local`, authCheckUrl: `http://127.0.0.1:${port}/sync`,
    backoff: { baseMs: 5, maxMs: 10, attempts: 2 },
  });
  await until('down', ({ name }) => window.pulse[name].client.state === 'error');
  const seen = await log('down');
  assert.equal(seen.connectErrors.length, 3);
  assert.ok(seen.connectErrors.every((e) => e.code === 'unreachable' && e.reason === 'network'), JSON.stringify(seen.connectErrors));
  assert.equal(seen.reconnects.length, 2);
  assert.equal(await page.evaluate(() => window.pulse.down.client.lastError.code), 'reconnect_failed');
  assert.equal(await state('down'), 'error');
});
