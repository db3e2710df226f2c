// Seed-style helpers for a team's own end-to-end tests against Pulse (./pulse local or a deployment), shaped like
// Famly's tests/e2e/helpers/socket-client.ts: connect, waitForEvent, emitWithAck, disconnect. They speak the wire
// protocol (PROTOCOL.md) over the platform's WebSocket (Node 22's global one; on Node 20 run with
// --experimental-websocket), with no other dependency. Every wait is bounded and fails with what it waited for.

/** A server frame (PROTOCOL §6). */
export interface Frame {
  type: string;
  [field: string]: unknown;
}

/** An `event` frame (PROTOCOL §6.1). */
export interface EventFrame extends Frame {
  type: 'event';
  event: string;
  room: string;
  eventId: string;
  data: unknown;
  seq?: number;
  correlationId?: string;
}

/** A connected test socket: every frame it got, in order, and its connection id (for `except`). */
export interface TestSocket {
  readonly ws: WebSocket;
  /** This connection's id (from `connection.info`), e.g. to publish with `except(socket.id)`. */
  readonly id: string;
  readonly userId: string;
  readonly workspaceId: string;
  /** Every frame received, in arrival order. */
  readonly frames: Frame[];
  /** The event frames received, in arrival order. */
  readonly events: EventFrame[];
}

/** Refused with the server's error (PROTOCOL §6.2, §7): `code` is machine-readable, e.g. `forbidden`. */
export class AckError extends Error {
  constructor(readonly action: string, readonly code: string, message: string, readonly error: Record<string, unknown>) {
    super(`${action}: ${code}: ${message}`);
    this.name = 'AckError';
  }
}

const DEFAULT_TIMEOUT_MS = 5000;

interface SocketState extends TestSocket {
  consumed: Set<EventFrame>;
  waiters: Set<() => void>;
  nextId: number;
  closed: boolean;
}

/**
 * Opens a connection with a token (offered as the `bearer.<jwt>` subprotocol next to `pulse.v1`, PROTOCOL §1.2, so it
 * stays out of URLs and logs) and resolves once the server accepted it and told its identity.
 * Rejects when the upgrade is refused (401/403: a bad token, no workspace) or nothing answers in time.
 * @param url the WebSocket URL, e.g. `ws://127.0.0.1:8787/local` or the stack's `WebSocketUrl` output
 */
export async function connect(url: string, token: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<TestSocket> {
  const Socket = (globalThis as { WebSocket?: typeof WebSocket }).WebSocket;
  if (!Socket) throw new Error('no WebSocket global: use Node >= 22, or Node 20 with --experimental-websocket');
  const ws = new Socket(url, ['pulse.v1', `bearer.${token}`]);
  const state = { ws, frames: [], events: [], consumed: new Set(), waiters: new Set(), nextId: 1, closed: false,
    id: '', userId: '', workspaceId: '' } as SocketState;
  ws.addEventListener('message', (message) => {
    let frame: Frame;
    try {
      frame = JSON.parse(String(message.data)) as Frame;
    } catch {
      return; // every Pulse frame is JSON; anything else is not ours to record
    }
    state.frames.push(frame);
    if (frame.type === 'event') state.events.push(frame as EventFrame);
    state.waiters.forEach((wake) => wake());
  });
  ws.addEventListener('close', () => {
    state.closed = true;
    state.waiters.forEach((wake) => wake());
  });
  await bounded(new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('close', (e) => reject(new Error(`connection refused or closed (code ${e.code}): `
      + 'check the token (401), its workspace (403) and the URL')), { once: true });
  }), timeoutMs, `the connection to ${url}`, () => ws.close());
  const info = await emitWithAck(state, 'connection.info', undefined, timeoutMs) as
    { connectionId: string; userId: string; workspaceId: string };
  Object.assign(state, { id: info.connectionId, userId: info.userId, workspaceId: info.workspaceId });
  return state;
}

/**
 * Resolves with the `data` of the next event of that name this socket got and no earlier wait took (events that
 * arrived before the call count, so the order of publish and wait does not matter). Rejects after `timeoutMs`.
 * `match` narrows it, e.g. `(frame) => frame.room === 'chat:42'`.
 */
export async function waitForEvent<T = unknown>(socket: TestSocket, event: string, timeoutMs = DEFAULT_TIMEOUT_MS,
                                                match: (frame: EventFrame) => boolean = () => true): Promise<T> {
  return (await waitForFrame(socket, event, timeoutMs, match)).data as T;
}

/** As waitForEvent, resolving with the whole event frame (room, seq, eventId, correlationId…). */
export function waitForFrame(socket: TestSocket, event: string, timeoutMs = DEFAULT_TIMEOUT_MS,
                             match: (frame: EventFrame) => boolean = () => true): Promise<EventFrame> {
  const state = socket as SocketState;
  return until(state, () => {
    const frame = state.events.find((f) => f.event === event && !state.consumed.has(f) && match(f));
    if (frame) state.consumed.add(frame);
    return frame;
  }, timeoutMs, `event ${event}`);
}

/**
 * Sends an action with a request id and resolves with its reply's `data`; rejects with an AckError carrying the
 * server's error code (`forbidden`, `rate_limited`, `invalid_room`…). Socket.IO's `emitWithAck(socket, 'room:join',
 * { chatId })` becomes `emitWithAck(socket, 'room.join', { room: 'chat:' + chatId })`.
 */
export async function emitWithAck<T = unknown>(socket: TestSocket, action: string, data?: unknown,
                                               timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
  const state = socket as SocketState;
  const id = `t${state.nextId++}`;
  state.ws.send(JSON.stringify(data === undefined ? { action, id } : { action, id, data }));
  const reply = await until(state, () => state.frames.find((f) => f.type === 'reply' && f.id === id),
    timeoutMs, `the reply to ${action}`);
  if (reply.ok !== true) {
    const error = (reply.error ?? {}) as Record<string, unknown>;
    throw new AckError(action, String(error.code), String(error.message ?? ''), error);
  }
  return reply.data as T;
}

/** Closes the connection and resolves once it is closed. */
export async function disconnect(socket: TestSocket, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
  const state = socket as SocketState;
  if (state.closed) return;
  state.ws.close(1000);
  await until(state, () => state.closed || undefined, timeoutMs, 'the close');
}

/** A development token from the local runtime (`GET /dev/token`, `./pulse local` only). */
export async function devToken(httpUrl: string, user: string, workspace: string, ttlSeconds = 3600): Promise<string> {
  const query = new URLSearchParams({ user, workspace, ttl: String(ttlSeconds) });
  const res = await fetch(`${httpUrl.replace(/\/$/, '')}/dev/token?${query}`);
  if (!res.ok) throw new Error(`GET /dev/token: HTTP ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

/** Resolves with the first truthy value of `look`, checked now and at every frame; rejects after timeoutMs. */
function until<T>(state: SocketState, look: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const found = look();
  if (found) return Promise.resolve(found);
  return new Promise<T>((resolve, reject) => {
    const wake = () => {
      const value = look();
      if (value) {
        done();
        resolve(value);
      } else if (state.closed) {
        done();
        reject(new Error(`connection closed while waiting for ${what}`));
      }
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      state.waiters.delete(wake);
    };
    state.waiters.add(wake);
    if (state.closed) wake();
  });
}

async function bounded<T>(promise: Promise<T>, timeoutMs: number, what: string, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
