// Shared by the tests: the real local stack's URLs (from NodePublisherNodeTest's environment), a publisher on the
// local bus with the stock SDK client, and a counter of the HTTP calls that client makes.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { Publisher } from '../dist/index.js';
import { connect, devToken } from '../dist/testing.js';

export const WS_URL = need('PULSE_WS_URL'); // ws://127.0.0.1:PORT/local
export const HTTP_URL = need('PULSE_HTTP_URL'); // http://127.0.0.1:PORT (dev endpoints)
export const EVENTS_URL = need('PULSE_EVENTBRIDGE_URL'); // the local bus's PutEvents endpoint

function need(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through NodePublisherNodeTest (mvn -pl local test)`);
  return value.replace(/\/$/, '');
}

/** A workspace of its own for each test, so tests never see each other's events. */
export function workspace(prefix = 'ws') {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * The stock EventBridge client pointed at the local bus (dummy credentials: the SDK signs every request), with a
 * middleware that counts the PutEvents calls it really sends: `client.calls`.
 */
export function eventBridge(endpoint = EVENTS_URL) {
  const client = new EventBridgeClient({
    endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1,
  });
  client.calls = [];
  client.middlewareStack.add((next) => async (args) => {
    client.calls.push(args.input.Entries.length);
    return next(args);
  }, { step: 'finalizeRequest', name: 'countCalls' });
  return client;
}

export function publisher(options = {}, client = eventBridge()) {
  return new Publisher(client, options.bus ?? 'default', 'com.acme.tests', options);
}

const open = new Set();
/** A real WebSocket client of `user` in `ws`, through the shipped test helpers; closed by closeAll(). */
export async function connected(user, ws) {
  const socket = await connect(WS_URL, await devToken(HTTP_URL, user, ws));
  open.add(socket);
  return socket;
}

export function closeAll() {
  for (const socket of open) socket.ws.close();
  open.clear();
}

/** The event frames of one name a socket got. */
export const named = (socket, event) => socket.events.filter((f) => f.event === event);

/**
 * Points `new EventBridgeClient({})` at the local bus the way the guides tell teams to (the SDK reads
 * AWS_ENDPOINT_URL_EVENTBRIDGE, a region and credentials from the environment), so their samples run unchanged.
 */
export function useLocalBus() {
  Object.assign(process.env, { AWS_ENDPOINT_URL_EVENTBRIDGE: EVENTS_URL, AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
}
