// A Socket.IO-style facade over the Pulse web client, for apps moving from socket.io-client: io(url, opts) returns
// a socket with on/off/once, emit with acks, emitWithAck, timeout(ms), the connect/disconnect/connect_error events,
// connected and id. What cannot map (your server-side handlers of arbitrary events) is in clients/web/README.md.
import { createClient, PulseError } from './pulse-client.js';

/** Events the facade raises itself, as socket.io-client does; every other name is a server event. */
const RESERVED = new Set(['connect', 'connect_error', 'disconnect']);

/** Actions of the protocol (PROTOCOL §4): emit(action, data) sends them as they are. Other names are client events. */
const ACTIONS = new Set(['ping', 'room.join', 'room.leave', 'connection.info', 'auth.refresh', 'typing.start',
  'typing.stop', 'room.publish', 'sync.request', 'presence.update', 'presence.list']);

/** Socket.IO's disconnect reasons for the ways a Pulse connection ends (the client's on('closed') `by`). */
const DISCONNECT_REASONS = {
  client: 'io client disconnect',
  server: 'io server disconnect',
  network: 'transport close',
  ping_timeout: 'ping timeout',
};

/**
 * io(url, { auth: { token }, autoConnect, ...PulseClientOptions }): a connected (unless autoConnect is false) socket.
 * auth.token is a string or a function returning one (or a promise); socket.io-client's auth(cb) form works too.
 */
export function io(url, options = {}) {
  return new Socket(url, options);
}

export class Socket {
  constructor(url, { auth, autoConnect = true, clientEventPrefix = 'client.', ...options } = {}) {
    this.pulse = createClient({ url, ...options, token: tokenSource(auth, options.token) });
    this._clientEventPrefix = clientEventPrefix;
    this._listeners = new Map(); // event -> Set of listeners
    this._anyListeners = new Set();
    this._subscriptions = new Map(); // server event -> unsubscribe of the client's subscription
    this._wasConnected = false;
    this.pulse.on('state', (state) => {
      if (state === 'connected' && !this._wasConnected) {
        this._wasConnected = true;
        this._fire('connect');
      }
    });
    // Each attempt that failed before opening: err.code unauthorized / forbidden (then active is false),
    // unreachable, auth_unavailable, connect_failed, token_error, …
    this.pulse.on('connect_error', (err) => this._fire('connect_error', err));
    this.pulse.on('closed', ({ by, code }) => {
      if (!this._wasConnected) return;
      this._wasConnected = false;
      this._fire('disconnect', DISCONNECT_REASONS[by] ?? 'transport close', { code, by });
    });
    if (autoConnect) this.connect();
  }

  /** Whether the connection is up (the socket opened, rooms were rejoined). */
  get connected() { return this.pulse.state === 'connected'; }
  get disconnected() { return !this.connected; }
  /** Whether the client will (re)connect on its own: false after disconnect() or a refused token. */
  get active() { return !['disconnected', 'error'].includes(this.pulse.state); }
  /** The connection id while connected (it changes at every reconnect), else undefined. */
  get id() { return this.connected ? this.pulse.connectionId ?? undefined : undefined; }

  connect() {
    if (this.pulse.state === 'error') this.pulse.retry();
    else this.pulse.connect();
    return this;
  }

  open() { return this.connect(); }

  disconnect() {
    this.pulse.disconnect();
    return this;
  }

  close() { return this.disconnect(); }

  on(event, listener) {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    if (!this._listeners.has(event)) this._listeners.set(event, new Set());
    this._listeners.get(event).add(listener);
    if (!RESERVED.has(event) && !this._subscriptions.has(event)) {
      this._subscriptions.set(event, this.pulse.subscribe(event, (data, frame) => this._fire(event, this._payload(frame), frame)));
    }
    return this;
  }

  once(event, listener) {
    const once = (...args) => {
      this.off(event, once);
      listener(...args);
    };
    once.listener = listener;
    return this.on(event, once);
  }

  /** off(event, listener), off(event): all of that event's listeners, off(): every listener. */
  off(event, listener) {
    if (event === undefined) {
      [...this._listeners.keys()].forEach((name) => this.off(name));
      return this;
    }
    const listeners = this._listeners.get(event);
    if (!listeners) return this;
    if (listener === undefined) listeners.clear();
    else for (const fn of [...listeners]) if (fn === listener || fn.listener === listener) listeners.delete(fn);
    if (!listeners.size) {
      this._listeners.delete(event);
      this._subscriptions.get(event)?.();
      this._subscriptions.delete(event);
    }
    return this;
  }

  removeAllListeners(event) { return this.off(event); }

  listeners(event) { return [...(this._listeners.get(event) ?? [])]; }

  /** listener(eventName, data, frame) for every server event. */
  onAny(listener) {
    if (!this._anyUnsubscribe) {
      this._anyUnsubscribe = this.pulse.subscribe('*', (data, frame) => {
        for (const fn of [...this._anyListeners]) this._safely(() => fn(frame.event, this._payload(frame), frame), 'listener_error');
      });
    }
    this._anyListeners.add(listener);
    return this;
  }

  offAny(listener) {
    if (listener === undefined) this._anyListeners.clear();
    else this._anyListeners.delete(listener);
    if (!this._anyListeners.size && this._anyUnsubscribe) {
      this._anyUnsubscribe();
      this._anyUnsubscribe = null;
    }
    return this;
  }

  /**
   * emit(event, data, ack?). A client event (any name that is not a protocol action) is a room.publish to data.room
   * with data as its payload; an action (room.join, presence.update, …) is sent as it is. ack(reply) gets the reply's
   * data, or { error } (a PulseError) when it failed. Failures without an ack go to socket.pulse.on('error').
   */
  emit(event, data, ack) {
    if (RESERVED.has(event)) throw new TypeError(`"${event}" is a reserved event name`);
    const call = this._send(event, data, this._timeoutMs);
    if (typeof ack === 'function') {
      const timed = this._timeoutMs !== undefined;
      call.then((reply) => this._safely(() => (timed ? ack(null, reply) : ack(reply)), 'handler_error'),
        (err) => this._safely(() => (timed ? ack(err) : ack({ error: err })), 'handler_error'));
    } else {
      call.catch((err) => this.pulse._report(err));
    }
    return this;
  }

  /** Resolves with the reply's data; rejects with a PulseError. The promise is marked handled: ignoring it is safe. */
  emitWithAck(event, data) {
    const call = this._send(event, data, this._timeoutMs);
    call.catch(() => {});
    return call;
  }

  /** A socket whose next emit/emitWithAck fails with code 'timeout' after ms; its ack is then ack(err, reply). */
  timeout(ms) {
    const timed = Object.create(this);
    timed._timeoutMs = ms;
    return timed;
  }

  _send(event, data, timeoutMs) {
    const options = timeoutMs === undefined ? {} : { timeoutMs };
    try {
      if (event === 'room.join' && data?.room) return this.pulse.join(data.room, data.token ? { token: data.token } : {});
      if (event === 'room.leave' && data?.room) return this.pulse.leave(data.room);
      if (ACTIONS.has(event)) return this.pulse.request(event, data, options);
      if (typeof data?.room !== 'string') {
        throw new PulseError('invalid_frame', `emit('${event}', data): data.room must name the room to publish to`,
          { action: 'room.publish', local: true });
      }
      return this.pulse.request('room.publish', { room: data.room, event, data }, options);
    } catch (e) {
      const err = e instanceof PulseError ? e : new PulseError('client_error', String(e?.message ?? e), { cause: e });
      const failed = Promise.reject(err);
      failed.catch(() => {});
      return failed;
    }
  }

  /**
   * What a listener gets first: the data as published. A client event arrives as { userId, data } (PROTOCOL §4.7):
   * its listener gets the sender's data, as with Socket.IO; the sender's user id is in frame.data.userId.
   */
  _payload(frame) {
    const clientEvent = this._clientEventPrefix && frame.event.startsWith(this._clientEventPrefix);
    return clientEvent && frame.data && typeof frame.data === 'object' && 'userId' in frame.data ? frame.data.data : frame.data;
  }

  _fire(event, ...args) {
    for (const fn of [...(this._listeners.get(event) ?? [])]) this._safely(() => fn(...args), 'listener_error');
  }

  /** A listener or ack that throws is reported through socket.pulse.on('error'), never thrown into the app. */
  _safely(fn, code) {
    try {
      fn();
    } catch (e) {
      this.pulse._report(e, code, 'a socket listener threw');
    }
  }
}

function tokenSource(auth, fallback) {
  if (typeof auth === 'function') {
    // socket.io-client's auth(cb): cb({ token })
    return () => new Promise((resolve, reject) => {
      try { auth((value) => resolve(value?.token)); } catch (e) { reject(e); }
    });
  }
  return auth?.token ?? fallback;
}
