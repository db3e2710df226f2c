// Small building blocks of the Pulse web client. No dependencies; runs in browsers and Node 20.

/** An error from the server (reply/error frame) or from the client itself (timeout, rate_limited, ...). */
export class PulseError extends Error {
  constructor(code, message, extra = {}) {
    super(message || code);
    this.name = 'PulseError';
    this.code = code;
    if (extra.retryAfterMs !== undefined) this.retryAfterMs = extra.retryAfterMs;
    // Why access was refused (PROTOCOL §5.1), e.g. 'not_granted', 'room_token_expired', 'hook_denied'.
    if (extra.reason !== undefined) this.reason = extra.reason;
    if (extra.action !== undefined) this.action = extra.action;
    if (extra.cause !== undefined) this.cause = extra.cause;
    if (extra.local) this.local = true; // raised by the client itself; nothing was sent
  }
}

/** A tiny event emitter whose listeners can never break the caller: a throwing listener is reported. */
export class Emitter {
  constructor(onListenerError) {
    this.listeners = new Map();
    this.onListenerError = onListenerError;
  }

  on(type, fn) {
    if (typeof fn !== 'function') throw new TypeError('listener must be a function');
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type).add(fn);
    return () => this.listeners.get(type)?.delete(fn);
  }

  has(type) {
    return (this.listeners.get(type)?.size ?? 0) > 0;
  }

  emit(type, ...args) {
    for (const fn of [...(this.listeners.get(type) ?? [])]) {
      try {
        fn(...args);
      } catch (e) {
        if (this.onListenerError) this.onListenerError(e, type);
      }
    }
  }
}

/**
 * Reconnect delay for attempt n (0-based): exponential from baseMs, capped at maxMs, with "equal jitter"
 * (half fixed, half random) so a crowd of clients dropped together does not come back in lockstep.
 */
export function backoffDelay(attempt, { baseMs = 1000, maxMs = 30000 } = {}, random = Math.random) {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** The claims of a JWT, decoded WITHOUT verification (only to read exp/sub locally), or null. */
export function decodeJwt(token) {
  if (typeof token !== 'string') return null;
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

/** Recently seen event ids, bounded: the oldest id is forgotten first (insertion-ordered Map as LRU). */
export class SeenIds {
  constructor(limit = 5000) {
    this.limit = limit;
    this.ids = new Map();
  }

  /** true if the id was seen before (and refreshes it); false after remembering a new one. */
  check(id) {
    if (this.ids.has(id)) {
      this.ids.delete(id);
      this.ids.set(id, true);
      return true;
    }
    this.ids.set(id, true);
    if (this.ids.size > this.limit) this.ids.delete(this.ids.keys().next().value);
    return false;
  }

  get size() {
    return this.ids.size;
  }
}

/** The server's default limits (PROTOCOL §8.5): action -> [max, windowMs]; '*' is the shared bucket. */
export const DEFAULT_RATE_LIMITS = Object.freeze({
  'presence.update': [3, 10_000],
  'typing.start': [5, 5_000],
  'typing.stop': [5, 5_000],
  'room.join': [5, 60_000],
  'room.leave': [5, 60_000],
  'sync.request': [3, 30_000],
  '*': [30, 10_000],
});

/**
 * Client-side mirror of the server's per-connection limits. A sliding log admits at most max sends in any
 * window of windowMs, which never exceeds the server's fixed windows, so a send it admits is not refused.
 */
export class RateLimiter {
  constructor(limits = DEFAULT_RATE_LIMITS, now = () => Date.now()) {
    this.limits = limits;
    this.now = now;
    this.sent = new Map(); // bucket -> timestamps
  }

  bucket(action) {
    return this.limits && Object.hasOwn(this.limits, action) ? action : '*';
  }

  /** 0 when action may be sent now (and records it), else milliseconds until it may. */
  take(action) {
    return this.check(action, true);
  }

  /** Like take, without recording a send: whether action could be sent now. */
  peek(action) {
    return this.check(action, false);
  }

  check(action, record) {
    if (!this.limits) return 0;
    const key = this.bucket(action);
    const limit = this.limits[key];
    if (!limit) return 0;
    const [max, windowMs] = limit;
    const t = this.now();
    const log = (this.sent.get(key) ?? []).filter((s) => s > t - windowMs);
    this.sent.set(key, log);
    if (log.length >= max) return Math.max(1, log[0] + windowMs - t);
    if (record) log.push(t);
    return 0;
  }

  /** The server's limits are per connection: a new connection starts with full buckets. */
  reset() {
    this.sent.clear();
  }
}

/**
 * Who is typing where, from typing.start/typing.stop events: an indicator expires expiresInMs after its last
 * typing.start (a closed laptop sends no stop), and the own user's events (other devices) are ignored.
 */
export class TypingTracker {
  constructor(ownUserId, onChange, defaultExpiresInMs = 6000) {
    this.ownUserId = ownUserId; // () => string | undefined
    this.onChange = onChange;
    this.defaultExpiresInMs = defaultExpiresInMs;
    this.rooms = new Map(); // room -> Map(userId -> timer)
  }

  handle(event, data, frame) {
    const room = data?.room ?? frame?.room;
    const userId = data?.userId;
    if (!room || !userId || userId === this.ownUserId()) return;
    if (event === 'typing.start') {
      const expires = Number.isFinite(data.expiresInMs) ? data.expiresInMs : this.defaultExpiresInMs;
      this.set(room, userId, expires);
    } else if (event === 'typing.stop') {
      this.remove(room, userId);
    }
  }

  set(room, userId, expiresInMs) {
    if (!this.rooms.has(room)) this.rooms.set(room, new Map());
    const users = this.rooms.get(room);
    const known = users.has(userId);
    clearTimeout(users.get(userId));
    const timer = setTimeout(() => this.remove(room, userId), expiresInMs);
    timer?.unref?.();
    users.set(userId, timer);
    if (!known) this.onChange(room, this.users(room));
  }

  remove(room, userId) {
    const users = this.rooms.get(room);
    if (!users?.has(userId)) return;
    clearTimeout(users.get(userId));
    users.delete(userId);
    if (users.size === 0) this.rooms.delete(room);
    this.onChange(room, this.users(room));
  }

  users(room) {
    return [...(this.rooms.get(room)?.keys() ?? [])];
  }

  clear() {
    for (const [room, users] of this.rooms) {
      for (const t of users.values()) clearTimeout(t);
      this.rooms.delete(room);
      this.onChange(room, []);
    }
  }
}
