// Shared by the tests: the real local stack's URLs (from the JUnit runner's environment) and small tools.
import { createServer } from 'node:net';
import { createHmac } from 'node:crypto';
import { createClient } from '../src/pulse-client.js';

export const WS_URL = need('PULSE_WS_URL'); // ws://127.0.0.1:PORT/local
export const HTTP_URL = need('PULSE_HTTP_URL'); // http://127.0.0.1:PORT (dev endpoints, /sync)
export const EVENTS_URL = need('PULSE_EVENTBRIDGE_URL'); // PutEvents endpoint of the local bus
export const MANAGEMENT_URL = need('PULSE_MANAGEMENT_URL'); // http://127.0.0.1:PORT/local/@connections
export const POLL_URL = `${HTTP_URL}/sync`;

function need(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through WebClientNodeTest (mvn -pl local test)`);
  return value.replace(/\/$/, '');
}

/** A workspace of its own for each test, so tests never see each other's events. */
export function workspace(prefix = 'ws') {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export async function token(user, ws, ttlSeconds = 3600) {
  const res = await fetch(`${HTTP_URL}/dev/token?user=${encodeURIComponent(user)}&workspace=${encodeURIComponent(ws)}&ttl=${ttlSeconds}`);
  if (!res.ok) throw new Error(`dev token: ${res.status}`);
  return (await res.json()).token;
}

/**
 * A token the dev endpoint will not mint (it refuses expired ones): signed with the stack's secret, issuer and
 * audience, expiring expiresIn seconds from now (negative: already expired).
 */
export function signedToken(user, ws, expiresIn) {
  const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = { sub: user, workspaceId: ws, iss: 'pulse-local', aud: 'pulse', exp: Math.floor(Date.now() / 1000) + expiresIn };
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  const signature = createHmac('sha256', need('PULSE_JWT_SECRET')).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}

/** The rooms the server has this client's connection in: connection.info answers from the server's records. */
export async function serverRooms(c) {
  return (await c.request('connection.info')).rooms;
}

/** Publishes like a domain service, through the dev endpoint (stock SDK behind it). Resolves with the eventId. */
export async function publish(ws, event, targets, data) {
  const res = await fetch(`${HTTP_URL}/dev/publish`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ event, workspaceId: ws, targets, data }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`publish: ${res.status} ${JSON.stringify(body)}`);
  return body.eventId;
}

/** PutEvents straight to the local EventBridge endpoint (AWS JSON 1.1), for envelope fields the dev endpoint lacks. */
export async function putEvent(ws, event, targets, data, extra = {}) {
  const eventId = `e-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const detail = { envelope: 'pulse.v1', eventId, workspaceId: ws, targets, publishedAt: new Date().toISOString(), data, ...extra };
  const res = await fetch(EVENTS_URL, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AWSEvents.PutEvents' },
    body: JSON.stringify({ Entries: [{ Source: 'com.acme.test', DetailType: event, EventBusName: 'default', Detail: JSON.stringify(detail) }] }),
  });
  const body = await res.json();
  if (!res.ok || body.FailedEntryCount) throw new Error(`PutEvents: ${res.status} ${JSON.stringify(body)}`);
  return eventId;
}

/** Closes a connection from the server side, as API Gateway's @connections DELETE does. */
export async function kick(connectionId) {
  const res = await fetch(`${MANAGEMENT_URL}/${encodeURIComponent(connectionId)}`, {
    method: 'DELETE',
    headers: { Authorization: 'AWS4-HMAC-SHA256 local-test' }, // presence checked, signature not (like the SDK's)
  });
  if (res.status !== 204) throw new Error(`@connections DELETE: ${res.status}`);
}

/** Polls predicate until it holds (waiting only; nothing is asserted about time). */
export async function until(predicate, what = 'condition', timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A client for the local stack that records states, errors and events; closed by closeAll(). */
const open = new Set();
export function client(options) {
  const c = createClient({ url: WS_URL, ...options });
  c.log = { states: [], errors: [], events: [], lost: [], presence: [] };
  c.on('state', (s) => c.log.states.push(s));
  c.on('error', (e) => c.log.errors.push(e));
  c.on('lost', (l) => c.log.lost.push(l));
  // Presence diffs reach every member a window after any arrival, its own included: kept apart, so tests of other
  // features can count their events exactly.
  c.subscribe('*', (data, frame) => (frame.event?.startsWith('presence.') ? c.log.presence : c.log.events).push(frame));
  open.add(c);
  return c;
}

export function closeAll() {
  for (const c of open) c.disconnect();
  open.clear();
}

/** Events a client got, by name. */
export const named = (c, name) => [...c.log.events, ...c.log.presence].filter((f) => f.event === name);

/** A ping round trip: every frame the server sent before it has been handled. */
export const flush = (c) => c.request('ping');

/** A local port nothing listens on: bound, then released. */
export function closedPort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
