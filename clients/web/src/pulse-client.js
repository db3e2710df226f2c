// Pulse web client: one WebSocket to a Pulse endpoint (protocol pulse.v1, events-schema/PROTOCOL.md), with
// reconnection, room rejoin, gap-free recovery (sync.request), deduplication, client-side rate limits, an
// outbox, heartbeats, token refresh, an ordered mode, auth failures told from network ones and an HTTP polling
// fallback. Zero dependencies; browsers and Node >= 20.
import {
  PulseError, Emitter, backoffDelay, decodeJwt, SeenIds, RateLimiter, DEFAULT_RATE_LIMITS, TypingTracker,
} from './support.js';
import { HeldEvents, orderedRooms } from './held-events.js';

export { PulseError, backoffDelay, decodeJwt, DEFAULT_RATE_LIMITS, RateLimiter, SeenIds, TypingTracker };

/** Rooms per room.join when rejoining after a reconnect (the server takes at most 50). */
const JOIN_BATCH = 50;

/** How much earlier than its last frame a reconnecting client asks to be replayed from (events in flight then). */
const SINCE_MARGIN_MS = 2000;

const DEFAULTS = {
  backoff: { baseMs: 1000, maxMs: 30000, attempts: 10 },
  requestTimeoutMs: 15000,
  openTimeoutMs: 15000,
  pingIntervalMs: 5 * 60 * 1000, // API Gateway closes connections idle for 10 minutes
  refreshBeforeMs: 60000,
  tokenRefresh: true,
  outboxLimit: 100,
  dedupeSize: 5000,
  gapGraceMs: 1000,
  ordered: false,
  orderedHoldMs: 10000,
  orderedMaxHeld: 100,
  typingRepeatMs: 3000,
  pollIntervalMs: 3000,
  pollAfterFailures: 3,
  rateLimitMode: 'reject',
  tokenTransport: 'query',
  transport: 'auto',
  userClaim: 'sub',
  workspaceClaim: 'workspaceId',
};

const MAX_TIMER_MS = 2 ** 31 - 1;
const SYNC_MAX_ROOMS = 100;

/** A presence.diff's lists, and the per-user event each entry is handed to the app as. */
const PRESENCE_DIFF_LISTS = [['presence.join', 'joins'], ['presence.update', 'updates'], ['presence.leave', 'leaves']];

export class PulseClient {
  constructor(options = {}) {
    if (!options.url && options.transport !== 'polling') throw new TypeError('url is required');
    if (options.token === undefined) throw new TypeError('token is required (a string or a function)');
    if (options.transport === 'polling' && !options.pollUrl) throw new TypeError("transport 'polling' needs pollUrl");
    this.options = { ...DEFAULTS, ...options, backoff: { ...DEFAULTS.backoff, ...options.backoff } };
    if (this.options.rateLimits === undefined) this.options.rateLimits = DEFAULT_RATE_LIMITS;
    this._events = new Emitter((e, type) => this._report(e, 'listener_error', `a '${type}' listener threw`));
    this._handlers = new Emitter((e, type) => this._report(e, 'handler_error', `a handler for '${type}' threw`));
    this._state = 'disconnected';
    this._transport = null;
    this._ws = null;
    this._gen = 0; // bumps with every socket, so callbacks of an old socket are ignored
    this._wanted = false;
    this._attempt = 0;
    this._failures = 0; // consecutive sockets that never opened
    this._everConnected = false;
    // When the client was last known to be up (its last frame): a reconnect replays every room from there,
    // including rooms where it had no position yet. Seeded from options.since for the first connect, e.g. the
    // time the app loaded its state from its backend.
    this._lastUp = null;
    this._resumeFrom = options.since ? new Date(options.since).getTime() : null;
    this._nextId = 0;
    this._pending = new Map(); // request id -> entry
    this._outbox = [];
    this._rooms = new Set(); // joined explicitly, rejoined after each reconnect
    this._roomTokens = new Map(); // room -> room token (string or function), for room-token namespaces
    this._joinWaiters = new Map(); // room -> entries waiting for the next rejoin
    this._positions = new Map(); // room -> {seq, epoch}: last contiguous position processed
    this._ahead = new Map(); // room -> Set of seqs received past a gap
    this._gapTimers = new Map();
    this._isOrdered = orderedRooms(this.options.ordered);
    this._held = new HeldEvents({
      holdMs: this.options.orderedHoldMs,
      maxHeld: this.options.orderedMaxHeld,
      onDue: (room, reason) => this._release(room, reason),
    });
    this._sinceSyncing = false; // a since replay is due or in flight: it decides where rooms without a position start
    this._refusals = 0; // consecutive connects whose token the server refused
    this._seen = new SeenIds(this.options.dedupeSize);
    this._limiter = new RateLimiter(this.options.rateLimits || null);
    this._timers = {};
    this._token = null;
    this._info = null; // connection.info of the current connection
    this._presenceStatus = 'online';
    this._typingSent = new Map(); // room -> {startedAt, want, timer}
    this._syncing = null;
    this._syncQueue = new Set();
    this._offlineSince = Date.now();
    // Positions saved by an earlier session (e.g. in sessionStorage): the first connect syncs from them.
    for (const [room, p] of Object.entries(options.positions ?? {})) this._positions.set(room, { seq: p.seq, epoch: p.epoch });
    this._tracker = new TypingTracker(() => this.userId, (room, users) => this._events.emit('typing', room, users));
    for (const name of ['typing.start', 'typing.stop']) {
      this._handlers.on(name, (data, frame) => this._tracker.handle(name, data, frame));
    }
    // A presence.diff (PROTOCOL §4.9) is handed to the app as the per-user events it describes, so handlers of
    // presence.join/leave/update (and presence.onChange) see one call per user, as they always did.
    this._handlers.on('presence.diff', (data, frame) => {
      for (const [name, users] of PRESENCE_DIFF_LISTS) {
        for (const user of data?.[users] ?? []) {
          const event = name === 'presence.leave' ? { userId: user.userId, room: data.room }
            : { userId: user.userId, room: data.room, status: user.status, devices: user.devices };
          this._handlers.emit(name, event, frame);
        }
      }
    });
    this.presence = {
      update: (status) => handled(this.request('presence.update', { status }).then((reply) => {
        this._presenceStatus = status; // restored after each reconnect (a new connection starts online)
        return reply;
      })),
      list: (room) => this.request('presence.list', { room }),
      onChange: (fn) => {
        const offs = ['presence.join', 'presence.leave', 'presence.update']
          .map((name) => this.subscribe(name, (data, frame) => fn(name, data, frame)));
        return () => offs.forEach((off) => off());
      },
    };
    this.typing = {
      start: (room) => this._typingSend(room, 'typing.start'),
      stop: (room) => this._typingSend(room, 'typing.stop'),
      users: (room) => this._tracker.users(room),
      onChange: (fn) => this._events.on('typing', fn),
    };
  }

  // ---- public API -------------------------------------------------------------------------------------

  get state() { return this._state; }
  get transport() { return this._transport; }
  get connectionId() { return this._info?.connectionId ?? null; }
  get userId() { return this._info?.userId ?? this._claims()?.[this.options.userClaim] ?? null; }
  get workspaceId() { return this._info?.workspaceId ?? this._claims()?.[this.options.workspaceClaim] ?? null; }
  get rooms() { return [...this._rooms]; }
  /** Ordered mode: how many events each room holds past a gap (rooms holding none are left out). */
  get held() {
    return Object.fromEntries(this._held.roomNames().map((room) => [room, this._held.count(room)]));
  }
  /** What put the client in state 'error' (e.g. code 'unauthorized'), until the next connect() or retry(). */
  get lastError() { return this._lastError ?? null; }
  get positions() {
    return Object.fromEntries([...this._positions].map(([room, p]) => [room, { ...p }]));
  }

  /** Listens to client events: state, error, lost, sync, reconnect, transport, token, typing. */
  on(type, fn) { return this._events.on(type, fn); }

  /** Calls handler(data, frame) for each server event named eventName ('*' for all). */
  subscribe(eventName, handler) { return this._handlers.on(eventName, handler); }

  connect() {
    if (this._wanted && this._state !== 'error') return this;
    this._wanted = true;
    this._attempt = 0;
    this._failures = 0;
    this._refusals = 0;
    this._lastError = null;
    this._setState('connecting');
    if (this.options.transport === 'polling') this._startPolling();
    else this._open();
    return this;
  }

  /** A manual retry: starts over with a fresh backoff (after state 'error', or to skip a backoff wait). */
  retry() {
    this._clearTimer('reconnect');
    if (this._ws) this._drop(null);
    this._wanted = false;
    return this.connect();
  }

  disconnect() {
    this._wanted = false;
    this._gen++;
    this._clearTimer('reconnect');
    this._stopPolling();
    if (this._ws) this._drop(null);
    // Gaps are synced at the next connect; held events keep their own (bounded) timers.
    for (const timer of this._gapTimers.values()) clearTimeout(timer);
    this._gapTimers.clear();
    this._failOutbox(new PulseError('disconnected', 'client disconnected'));
    for (const waiters of this._joinWaiters.values()) {
      waiters.forEach((w) => w.reject(new PulseError('disconnected', 'client disconnected')));
    }
    this._joinWaiters.clear();
    this._setTransport(null);
    this._setState('disconnected');
  }

  /**
   * Resolves once state is 'connected'; rejects on 'error' (code 'error', reason and cause: what stopped the client,
   * e.g. reason 'unauthorized'), 'disconnected' or after timeoutMs.
   */
  whenConnected(timeoutMs = 30000) {
    if (this._state === 'connected') return Promise.resolve();
    return handled(new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new PulseError('timeout', 'not connected in time')), timeoutMs);
      const off = this.on('state', (state) => {
        if (state === 'connected') done();
        else if (state === 'error' || state === 'disconnected') {
          const cause = state === 'error' ? this._lastError : null;
          done(new PulseError(state, cause ? `client is ${state}: ${cause.message}` : `client is ${state}`,
            cause ? { reason: cause.code, cause } : {}));
        }
      });
      const done = (err) => { clearTimeout(timer); off(); err ? reject(err) : resolve(); };
    }));
  }

  /** Sends an action with an id; resolves with the reply's data, rejects with a PulseError. */
  request(action, data, { timeoutMs = this.options.requestTimeoutMs, rateLimit = this.options.rateLimitMode } = {}) {
    return this._call(action, data, { timeoutMs, rateLimit });
  }

  /** Fire and forget: no id, no reply. A failure (local or an error frame) is reported through on('error'). */
  emit(action, data) {
    this._call(action, data, { noReply: true }).catch((e) => this._report(e));
  }

  /**
   * Joins a room (and rejoins it after every reconnect). In a `room-token` namespace pass `{ token }`: the room token
   * your backend signs, as a string or a function returning one (or a promise of one), called again for every
   * rejoin, since room tokens are short-lived.
   */
  join(room, { token } = {}) {
    if (token !== undefined) this._roomTokens.set(room, token);
    this._rooms.add(room);
    if (this._canSend()) return this._joinNow(room);
    if (this.options.transport === 'polling') return Promise.resolve({ room });
    if (this._state === 'error') return handled(Promise.reject(new PulseError('not_connected', 'the client is in state error; call retry()')));
    // Joined by the rejoin that follows the next (re)connect, and settled by its outcome.
    return handled(new Promise((resolve, reject) => {
      if (!this._joinWaiters.has(room)) this._joinWaiters.set(room, []);
      this._joinWaiters.get(room).push({ resolve, reject });
    }));
  }

  leave(room) {
    this._rooms.delete(room);
    this._roomTokens.delete(room);
    this._forget(room);
    // A new connection is in no explicit room: only a live one must leave.
    if (!this._canSend()) return Promise.resolve({ room });
    return this.request('room.leave', { room });
  }

  /** Client event (room.publish); the event name must carry an allowed prefix (default 'client.'). */
  publish(room, event, data) {
    return handled(this.request('room.publish', { room, event, data }).then((reply) => {
      // The sender never gets its own event live; don't let a later sync replay hand it back.
      if (reply?.eventId) this._seen.check(reply.eventId);
      // The reply carries the event's position, so the sender's own event is not mistaken for a gap.
      if (typeof reply?.seq === 'number') this._advance(room, reply.seq, reply.epoch, true);
      return reply;
    }));
  }

  /**
   * Replays what was missed in the given rooms (default: all with a known position). Over the client-side
   * sync.request limit it rejects at once with rate_limited in rateLimitMode 'reject', and waits in 'queue'.
   */
  sync(rooms, { rateLimit = this.options.rateLimitMode } = {}) {
    const wait = this._limiter.peek('sync.request');
    if (rateLimit !== 'queue' && wait > 0) {
      return handled(Promise.reject(new PulseError('rate_limited', 'client-side limit for sync.request reached',
        { retryAfterMs: wait, action: 'sync.request', local: true })));
    }
    return this._syncRooms(rooms ?? [...this._positions.keys()]);
  }

  // ---- connection lifecycle ---------------------------------------------------------------------------

  async _open() {
    const gen = ++this._gen;
    let token;
    try {
      token = await this._readToken();
    } catch (e) {
      const err = e instanceof PulseError ? e : new PulseError('token_error', `the token function failed: ${e?.message ?? e}`, { cause: e });
      this._report(err);
      if (gen === this._gen) this._failed(gen, false, err);
      return;
    }
    if (gen !== this._gen || !this._wanted) return;
    const WS = this.options.WebSocket ?? globalThis.WebSocket;
    let ws;
    try {
      // Mistakes no retry can mend: state 'error' at once.
      if (!WS) {
        this._fatal(new PulseError('no_websocket',
          'no WebSocket constructor: on Node 20 run with --experimental-websocket, or pass options.WebSocket (e.g. the ws package)'));
        return;
      }
      let url;
      try {
        url = new URL(this.options.url);
        if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new TypeError(`protocol ${url.protocol} is not ws: or wss:`);
      } catch (e) {
        this._fatal(new PulseError('invalid_url', `url ${JSON.stringify(this.options.url)} is not a ws:// or wss:// URL: ${e.message}`, { cause: e }));
        return;
      }
      if (this.options.tokenTransport === 'subprotocol') {
        ws = new WS(url.toString(), ['pulse.v1', `bearer.${token}`]);
      } else {
        url.searchParams.set('token', token);
        ws = new WS(url.toString());
      }
    } catch (e) {
      this._failed(gen, false, new PulseError('connect_failed', `could not create the WebSocket: ${e.message}`, { cause: e }));
      return;
    }
    this._ws = ws;
    let opened = false;
    this._setTimer('open', this.options.openTimeoutMs, () => { if (gen === this._gen && !opened) this._drop(gen, false, 'timeout'); });
    ws.onopen = () => {
      if (gen !== this._gen) return;
      opened = true;
      this._clearTimer('open');
      this._onOpen(gen);
    };
    ws.onmessage = (msg) => { if (gen === this._gen) this._onMessage(msg.data); };
    // Browsers follow an error with a close; Node 20's WebSocket may not after a refused upgrade.
    ws.onerror = () => { if (gen === this._gen) this._drop(gen, opened, 'network', 1006); };
    ws.onclose = (ev) => {
      const code = ev?.code ?? 1006;
      if (gen === this._gen) this._drop(gen, opened, code === 1006 ? 'network' : 'server', code);
    };
  }

  _onOpen(gen) {
    this._failures = 0;
    this._refusals = 0;
    this._limiter.reset(); // the server's limits are per connection
    this._stopPolling();
    this._setTransport('websocket');
    this._startHeartbeat(gen);
    this._scheduleRefresh(this._token);
    this._resume(gen).catch((e) => this._report(e));
  }

  /** After each open: learn the connection, rejoin rooms, restore presence, flush the outbox, then catch up. */
  async _resume(gen) {
    const direct = { direct: true, rateLimit: 'queue' };
    // Ordered rooms without a position hold their live events from the rejoin on, until the since replay below.
    if (this._resumeFrom !== null) this._sinceSyncing = true;
    try {
      this._info = await this._call('connection.info', undefined, direct);
    } catch (e) {
      if (gen !== this._gen) return;
      this._report(e);
    }
    await this._rejoinAll(direct);
    if (gen !== this._gen) return;
    if (this._presenceStatus !== 'online') {
      this._call('presence.update', { status: this._presenceStatus }, direct).catch((e) => this._report(e));
    }
    this._attempt = 0; // the connection is usable: the next drop starts the backoff over
    this._everConnected = true;
    this._setState('connected');
    this._flushOutbox();
    // Rooms with a position resume from it; every other room the connection is in (user:, workspace:, rooms where
    // no event had come yet) from the time the client was last up (PROTOCOL §8.3), or is reported lost.
    const rooms = [...this._positions.keys()].filter((room) => this._inRoom(room));
    const since = this._resumeFrom;
    this._resumeFrom = null;
    if (rooms.length || since !== null) await this._syncRooms(rooms, since).catch((e) => this._report(e));
  }

  /**
   * Rejoins every kept room in frames of up to JOIN_BATCH rooms (room.join with data.rooms, PROTOCOL §4.2): each counts
   * once against the join limit, so a client in many rooms restores them all at once. A room the server refuses
   * (forbidden, invalid) is dropped and reported; on a failure of the whole frame the rooms are kept for next time.
   */
  async _rejoinAll(opts) {
    // A join() made while this runs (e.g. awaiting the previous join's promise, settled here) adds a room after the
    // first snapshot and waits for a rejoin: go round again until every kept room has been asked once.
    const asked = new Set();
    for (let rooms = [...this._rooms]; rooms.length; rooms = [...this._rooms].filter((room) => !asked.has(room))) {
      rooms.forEach((room) => asked.add(room));
      await this._rejoinBatches(rooms, opts);
    }
  }

  async _rejoinBatches(rooms, opts) {
    for (let i = 0; i < rooms.length; i += JOIN_BATCH) {
      const batch = rooms.slice(i, i + JOIN_BATCH);
      let reply;
      try {
        const tokens = {};
        for (const room of batch) {
          const source = this._roomTokens.get(room);
          if (source !== undefined) tokens[room] = await (typeof source === 'function' ? source(room) : source);
        }
        reply = await this._call('room.join', Object.keys(tokens).length ? { rooms: batch, tokens } : { rooms: batch }, opts);
      } catch (e) {
        batch.forEach((room) => this._settleJoin(room, null, e));
        continue;
      }
      for (const room of batch) {
        const result = reply?.rooms?.[room];
        if (result?.ok) {
          this._settleJoin(room, result.expiresAt ? { room, expiresAt: result.expiresAt } : { room });
          continue;
        }
        const error = serverError(result?.error, 'room.join');
        this._settleJoin(room, null, error);
        if (['forbidden', 'invalid_room', 'invalid_frame'].includes(error.code)) {
          this._rooms.delete(room);
          this._report(error);
        }
      }
    }
  }

  /** Resolves (or rejects) the join() calls made while offline for this room. */
  _settleJoin(room, result, error) {
    const waiters = this._joinWaiters.get(room) ?? [];
    this._joinWaiters.delete(room);
    waiters.forEach((w) => (error ? w.reject(error) : w.resolve(result)));
  }

  _joinNow(room, opts) {
    const waiters = this._joinWaiters.get(room) ?? [];
    this._joinWaiters.delete(room);
    const source = this._roomTokens.get(room);
    const p = source === undefined ? this._call('room.join', { room }, opts ?? {})
      : Promise.resolve(typeof source === 'function' ? source(room) : source)
        .then((token) => this._call('room.join', { room, token }, opts ?? {}));
    p.then((r) => waiters.forEach((w) => w.resolve(r)), (e) => {
      waiters.forEach((w) => w.reject(e));
      // A room the server refuses (or its join limit refused now) is not kept: the client's rooms stay the server's.
      if (['forbidden', 'invalid_room', 'invalid_frame', 'rate_limited'].includes(e.code)) this._rooms.delete(room);
      if (opts?.direct) this._report(e);
    });
    return p;
  }

  /**
   * The socket is gone (closed, failed to open, or dropped by us). gen null: we closed it on purpose. An open socket's
   * end is announced with on('closed', {by, code}): by 'client' (disconnect, retry), 'server' (a close frame: the
   * server or @connections DELETE closed it, a token_expired close, the platform's limits), 'network' (no close frame)
   * or 'ping_timeout' (a heartbeat got no reply).
   */
  _drop(gen, wasOpen, by = 'client', code = 1000) {
    if (this._lastUp !== null) this._resumeFrom = this._lastUp;
    const ws = this._ws;
    this._ws = null;
    if (ws && (gen === null ? ws.readyState === 1 : wasOpen)) this._events.emit('closed', { by, code });
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null;
      ws.onerror = () => {};
      try { ws.close(1000); } catch { /* already closing */ }
    }
    for (const name of ['open', 'ping', 'refresh']) this._clearTimer(name);
    for (const [id, entry] of this._pending) {
      this._pending.delete(id);
      entry.fail(new PulseError('disconnected', `connection lost before the reply to ${entry.action}`));
    }
    this._info = null;
    if (gen === null) return;
    if (wasOpen) this._offlineSince = Date.now();
    this._failed(gen, wasOpen);
  }

  /**
   * A socket failed. One that never opened is diagnosed first (unless the cause is known): a refused token is
   * retried once with a fresh one from a token function, then the client stops in state 'error'; anything else
   * is retried with backoff.
   */
  _failed(gen, wasOpen, known = null) {
    if (gen !== this._gen || !this._wanted) return;
    if (wasOpen) { this._scheduleReconnect(null); return; }
    this._failures++;
    const diagnosis = known ? Promise.resolve(known) : this._diagnose();
    diagnosis.then((err) => {
      if (gen !== this._gen || !this._wanted) return;
      this._events.emit('connect_error', err);
      if (err.code === 'unauthorized' || err.code === 'forbidden') {
        this._refusals++;
        // A token function may hand out a fresh token (the old one expired): ask it once more, then stop.
        if (typeof this.options.token !== 'function' || this._refusals > 1) { this._stop(err); return; }
      }
      this._scheduleReconnect(err);
    });
  }

  /**
   * Why a socket did not open. Browsers hide the status of a refused upgrade (a 1006 close), so the same token is
   * shown to the polling endpoint (PROTOCOL §8.4), which refuses it with the same status and a reason.
   */
  async _diagnose() {
    const url = this.options.authCheckUrl ?? this.options.pollUrl;
    if (!url) {
      return new PulseError('connect_failed',
        'the WebSocket did not open (a refused token and an unreachable server look alike: set pollUrl or authCheckUrl to tell them apart)');
    }
    const fetchFn = this.options.fetch ?? globalThis.fetch;
    let res;
    try {
      const signal = globalThis.AbortSignal?.timeout?.(this.options.openTimeoutMs);
      res = await fetchFn(url, {
        method: 'POST',
        headers: { Authorization: `Bearer ${this._token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ positions: {} }),
        signal,
      });
    } catch (e) {
      return new PulseError('unreachable', `the server cannot be reached: ${e?.message ?? e}`, { reason: 'network', cause: e });
    }
    const body = await res.json().catch(() => null);
    const error = body?.error ?? {};
    if (res.status === 401 || res.status === 403) {
      return new PulseError(res.status === 401 ? 'unauthorized' : 'forbidden', error.message ?? `the token was refused (${res.status})`,
        { reason: error.reason ?? error.code });
    }
    if (res.status === 503) {
      return new PulseError('auth_unavailable', error.message ?? 'the token could not be checked now', { reason: error.reason ?? error.code });
    }
    if (res.status >= 500) {
      return new PulseError('unreachable', `the server answered ${res.status}`, { reason: 'server_error' });
    }
    // The token is good (any other answer came after the token check): the WebSocket itself failed.
    return new PulseError('unreachable',
      'the server accepts the token but the WebSocket did not open (a proxy blocking WebSockets, an Origin the deployment does not allow, or the WebSocket endpoint is down)',
      { reason: 'websocket' });
  }

  /** A connect that no retry can mend: announced like any failed connect, then state 'error'. */
  _fatal(err) {
    this._events.emit('connect_error', err);
    this._stop(err);
  }

  /** Gives up until retry(): state 'error', and the error reported. */
  _stop(err) {
    this._clearTimer('reconnect');
    this._stopPolling();
    this._lastError = err;
    this._setState('error');
    this._report(err);
  }

  _scheduleReconnect(cause) {
    const { pollUrl, pollAfterFailures, transport } = this.options;
    if (pollUrl && transport === 'auto' && this._failures >= pollAfterFailures) this._startPolling();
    const { attempts } = this.options.backoff;
    if (this._attempt >= attempts && !this._pollHealthy) {
      const why = cause ? ` (last: ${cause.code}: ${cause.message})` : '';
      this._stop(new PulseError('reconnect_failed', `no connection after ${attempts} attempts${why}; call retry()`,
        { reason: cause?.code, cause: cause ?? undefined }));
      return;
    }
    // While polling works the WebSocket is retried in the background, at most every maxMs.
    const delayMs = backoffDelay(Math.min(this._attempt, 30), this.options.backoff, this.options.random);
    this._attempt++;
    this._setState(this._everConnected ? 'reconnecting' : 'connecting');
    this._events.emit('reconnect', { attempt: this._attempt, delayMs });
    this._setTimer('reconnect', delayMs, () => this._open());
  }

  _startHeartbeat(gen) {
    const { pingIntervalMs } = this.options;
    if (!pingIntervalMs) return;
    const beat = () => {
      // A ping that gets no reply means a dead socket the browser has not noticed yet.
      this._call('ping', undefined, { direct: true, rateLimit: 'queue', timeoutMs: this.options.requestTimeoutMs })
        .catch((e) => { if (gen === this._gen && e.code === 'timeout') this._drop(gen, true, 'ping_timeout', 1006); });
      this._setTimer('ping', pingIntervalMs, beat);
    };
    this._setTimer('ping', pingIntervalMs, beat);
  }

  // ---- tokens -----------------------------------------------------------------------------------------

  async _readToken() {
    const { token } = this.options;
    const value = typeof token === 'function' ? await token() : token;
    if (typeof value !== 'string' || !value) throw new PulseError('token_error', 'the token must be a non-empty string');
    this._token = value;
    return value;
  }

  _claims() { return decodeJwt(this._token ?? (typeof this.options.token === 'string' ? this.options.token : null)); }

  _scheduleRefresh(token) {
    this._clearTimer('refresh');
    const exp = decodeJwt(token)?.exp;
    if (!this.options.tokenRefresh || typeof this.options.token !== 'function' || !Number.isFinite(exp)) return;
    const delay = Math.max(1000, exp * 1000 - this.options.refreshBeforeMs - Date.now());
    this._setTimer('refresh', Math.min(delay, MAX_TIMER_MS), () => this._refreshToken());
  }

  async _refreshToken() {
    try {
      const token = await this._readToken();
      const reply = await this._call('auth.refresh', { token }, { direct: true, rateLimit: 'queue' });
      this._events.emit('token', { expiresAt: reply?.expiresAt });
      this._scheduleRefresh(token);
    } catch (e) {
      this._report(e);
      // Try again shortly; if the token lapses meanwhile the server closes and we reconnect with a fresh one.
      if (this._ws && e.code !== 'disconnected') this._setTimer('refresh', 5000, () => this._refreshToken());
    }
  }

  // ---- frames -----------------------------------------------------------------------------------------

  _onMessage(text) {
    this._lastUp = Date.now();
    let frame;
    try {
      frame = JSON.parse(text);
    } catch (e) {
      this._report(e, 'malformed_frame', 'the server sent a frame that is not JSON');
      return;
    }
    switch (frame?.type) {
      case 'event': this._onEvent(frame, true); break;
      case 'sync': (frame.events ?? []).forEach((e) => this._onEvent(e, false)); break;
      case 'sync.state': this._applyRoomStates(frame.rooms ?? {}, frame.more); break;
      case 'reply': {
        const entry = this._pending.get(frame.id);
        if (!entry) break;
        this._pending.delete(frame.id);
        if (frame.ok) entry.succeed(frame.data);
        else entry.fail(serverError(frame.error, entry.action));
        break;
      }
      case 'error': this._report(serverError(frame.error)); break;
      default: break; // unknown frame types are skipped (PROTOCOL §2)
    }
  }

  _onEvent(frame, live) {
    // The app's server-side joins and removals (PROTOCOL §10.6): keep the room list as the server has it.
    if (live && frame.event === 'room.removed' && frame.data?.room) {
      this._rooms.delete(frame.data.room);
      this._roomTokens.delete(frame.data.room);
      this._forget(frame.data.room);
    } else if (live && frame.event === 'room.joined' && frame.data?.room) {
      this._rooms.add(frame.data.room);
    }
    const positioned = typeof frame.seq === 'number' && frame.room;
    if (positioned && this._isOrdered(frame.room)) {
      this._order(frame, live);
      return;
    }
    if (positioned) this._advance(frame.room, frame.seq, frame.epoch, live);
    this._deliver(frame);
  }

  /** Hands an event to the app: once per eventId, after moving the other rooms it was logged in. */
  _deliver(frame) {
    for (const [room, p] of Object.entries(frame.positions ?? {})) this._advance(room, p.seq, p.epoch, false);
    if (frame.eventId && this._seen.check(frame.eventId)) return;
    this._handlers.emit(frame.event, frame.data, frame);
    this._handlers.emit('*', frame.data, frame);
  }

  /**
   * Ordered mode (options.ordered): a room's events reach the app in seq order. One past a gap is held until the
   * gap fills (live, or by the sync that follows gapGraceMs), or until orderedHoldMs / orderedMaxHeld: then the
   * held events are delivered in order, each gap reported with on('gap'). An event at or below the delivered
   * position is a repeat, or belongs to a gap already reported: it is not delivered (that would break the order).
   */
  _order(frame, live) {
    const { room, seq, epoch } = frame;
    const p = this._positions.get(room);
    if (!p) {
      // A reconnect's since replay decides where such a room starts: live events wait for it.
      if (live && this._sinceSyncing) { this._held.hold(room, frame); return; }
      this._positions.set(room, { seq, epoch });
      this._deliver(frame);
      this._drain(room);
      return;
    }
    if (p.epoch === undefined && p.seq === 0) p.epoch = epoch; // the room had no history when we last synced
    if (p.epoch !== epoch) {
      this._release(room, 'epoch'); // the old stream's held events first, then the new stream
      this._advance(room, seq, epoch, live);
      this._deliver(frame);
      return;
    }
    if (seq <= p.seq) return;
    if (seq === p.seq + 1) {
      p.seq = seq;
      this._deliver(frame);
      this._drain(room);
      return;
    }
    this._held.hold(room, frame);
    this._markAhead(room, seq, live);
  }

  /** Delivers the held events the position has reached, in order. */
  _drain(room) {
    const p = this._positions.get(room);
    const ahead = this._ahead.get(room);
    for (;;) {
      const next = p.seq + 1;
      const frame = this._held.take(room, next);
      const seen = ahead?.delete(next);
      if (!frame && !seen) break;
      p.seq = next;
      if (frame) {
        p.epoch ??= frame.epoch; // a room that had no history when it was synced
        this._deliver(frame);
      }
    }
    this._held.takeUpTo(room, p.seq); // held copies of what a sync delivered meanwhile: repeats
    this._absorb(room);
  }

  /**
   * Delivers a room's held events up to upTo in seq order, reporting each gap before the event after it
   * (reason 'timeout', 'overflow', 'lost', 'epoch' or 'sync').
   */
  _release(room, reason, upTo = Infinity) {
    for (const frame of this._held.takeUpTo(room, upTo)) {
      let p = this._positions.get(room);
      if (!p) {
        p = { seq: frame.seq, epoch: frame.epoch };
        this._positions.set(room, p);
      } else {
        if (frame.seq <= p.seq) continue;
        p.epoch ??= frame.epoch;
        if (frame.seq > p.seq + 1) {
          this._events.emit('gap', { room, from: p.seq + 1, to: frame.seq - 1, epoch: p.epoch, reason });
        }
        p.seq = frame.seq;
      }
      this._deliver(frame);
    }
    if (this._positions.has(room)) this._drain(room);
  }

  /** Moves a room's position; a seq past last + 1 is a gap, synced after gapGraceMs unless it fills itself. */
  _advance(room, seq, epoch, detectGaps) {
    const p = this._positions.get(room);
    if (!p) {
      this._positions.set(room, { seq, epoch });
      return;
    }
    if (p.epoch === undefined && p.seq === 0) p.epoch = epoch; // the room had no history when we last synced
    if (p.epoch !== epoch) {
      this._positions.set(room, { seq, epoch });
      this._ahead.delete(room);
      this._events.emit('lost', { room, reason: 'epoch', seq, epoch });
      return;
    }
    if (seq <= p.seq) return;
    if (seq === p.seq + 1) {
      p.seq = seq;
      // An ordered room may hold the events this one unblocks.
      if (this._held.has(room)) this._drain(room);
      else this._absorb(room);
      return;
    }
    this._markAhead(room, seq, detectGaps);
  }

  /** Notes a seq past a gap; while connected, the room is synced if the gap is still open after gapGraceMs. */
  _markAhead(room, seq, detectGaps) {
    if (!this._ahead.has(room)) this._ahead.set(room, new Set());
    this._ahead.get(room).add(seq);
    if (detectGaps && !this._gapTimers.has(room)) {
      const timer = setTimeout(() => {
        this._gapTimers.delete(room);
        if (this._ahead.get(room)?.size && this._canSend()) this._syncRooms([room]).catch((e) => this._report(e));
      }, this.options.gapGraceMs);
      timer?.unref?.(); // Node: a pending gap check does not keep the process alive
      this._gapTimers.set(room, timer);
    }
  }

  /** Takes in the seqs seen past a gap once the gap is filled. */
  _absorb(room) {
    const p = this._positions.get(room);
    const ahead = this._ahead.get(room);
    if (ahead) {
      for (const s of [...ahead]) if (s <= p.seq) ahead.delete(s);
      while (ahead.delete(p.seq + 1)) p.seq++;
      if (ahead.size) return;
      this._ahead.delete(room);
    }
    clearTimeout(this._gapTimers.get(room));
    this._gapTimers.delete(room);
  }

  /** sync.state (or a poll's rooms): restored/partial move the position, lost is announced. */
  _applyRoomStates(rooms, more) {
    for (const [room, s] of Object.entries(rooms)) {
      if (s.status === 'lost') this._events.emit('lost', { room, reason: 'lost', seq: s.seq, epoch: s.epoch });
      if (s.status === 'not_joined' || s.status === 'forbidden') continue;
      // Ordered mode: what is held at or below the position the server gives is delivered first, in order.
      if (this._held.has(room)) {
        const mine = this._positions.get(room);
        const sameStream = mine && s.epoch && mine.epoch === s.epoch;
        if (s.status === 'lost' || (mine && s.epoch && !sameStream)) this._release(room, s.status === 'lost' ? 'lost' : 'epoch');
        else if (sameStream && s.seq > mine.seq) this._release(room, 'sync', s.seq);
      }
      if (s.status === 'partial' && this._syncing) this._syncQueue.add(room);
      const p = this._positions.get(room);
      if (!s.epoch) {
        if (s.status === 'lost') this._positions.delete(room);
        else if (!p) this._positions.set(room, { seq: 0, epoch: undefined });
        if (this._positions.has(room) && this._held.has(room)) this._drain(room); // held while the room was empty
        continue;
      }
      // lost: continue from the server's position, whatever ours was (it may even be beyond the log).
      const reset = !p || p.epoch !== s.epoch || s.status === 'lost';
      if (reset || s.seq > p.seq) this._positions.set(room, { seq: s.seq, epoch: s.epoch });
      if (reset) this._ahead.delete(room);
      if (this._held.has(room)) this._drain(room);
      else this._absorb(room);
    }
    this._events.emit('sync', { rooms, more: !!more });
  }

  /** One sync at a time; rooms asked for meanwhile are synced right after. Repeats while 'more'. */
  async _syncRooms(rooms, since = null) {
    rooms.forEach((r) => this._syncQueue.add(r));
    if (since !== null) this._syncSince = since; // rides on the next request
    if (this._syncing) return this._syncing;
    this._syncing = (async () => {
      let replayed = 0;
      try {
        while ((this._syncQueue.size || this._syncSince != null) && this._canSend(true)) {
          const batch = [...this._syncQueue].filter((r) => this._positions.has(r)).slice(0, SYNC_MAX_ROOMS);
          batch.forEach((r) => this._syncQueue.delete(r));
          const data = { positions: Object.fromEntries(batch.map((r) => [r, wirePosition(this._positions.get(r))])) };
          if (this._syncSince != null) {
            // A little earlier than the last frame: events in flight then are replayed (and deduplicated), not lost.
            data.since = new Date(this._syncSince - SINCE_MARGIN_MS).toISOString();
            this._syncSince = null;
            this._sinceSyncing = true;
          }
          if (!batch.length && !data.since) { this._syncQueue.clear(); break; }
          // Rooms left 'partial' by sync.state go back into the queue (see _applyRoomStates).
          try {
            const reply = await this._call('sync.request', data, { direct: true, rateLimit: 'queue', timeoutMs: 60000 });
            replayed += reply?.events ?? 0;
          } finally {
            if (data.since) this._endSinceSync();
          }
        }
      } finally {
        this._syncing = null;
      }
      return { events: replayed };
    })();
    return this._syncing;
  }

  /** Ordered rooms whose live events waited for a since replay that gave them no position start from those events. */
  _endSinceSync() {
    this._sinceSyncing = false;
    for (const room of this._held.roomNames()) if (!this._positions.has(room)) this._release(room, 'sync');
  }

  _inRoom(room) {
    if (this._rooms.has(room)) return true;
    const { userId, workspaceId } = this;
    return room === `user:${userId}` || room === `workspace:${workspaceId}`;
  }

  _forget(room) {
    this._positions.delete(room);
    this._held.clear(room);
    this._ahead.delete(room);
    clearTimeout(this._gapTimers.get(room));
    this._gapTimers.delete(room);
  }

  // ---- requests, rate limits, outbox ------------------------------------------------------------------

  _canSend(orResuming = false) {
    return !!this._ws && this._ws.readyState === 1 && (orResuming || this._state === 'connected');
  }

  _call(action, data, { timeoutMs = this.options.requestTimeoutMs, rateLimit = 'reject', direct = false, noReply = false } = {}) {
    return handled(new Promise((resolve, reject) => {
      const entry = { action, data, rateLimit, direct, noReply, id: null, retryTimer: null };
      let done = false;
      const timer = noReply ? null : setTimeout(() => {
        entry.fail(new PulseError('timeout', `no reply to ${action} within ${timeoutMs} ms`, { action }));
      }, timeoutMs);
      const settle = () => {
        done = true;
        clearTimeout(timer);
        clearTimeout(entry.retryTimer);
        if (entry.id) this._pending.delete(entry.id);
        const i = this._outbox.indexOf(entry);
        if (i >= 0) this._outbox.splice(i, 1);
      };
      entry.succeed = (value) => { if (!done) { settle(); resolve(value); } };
      entry.fail = (err) => { if (!done) { settle(); reject(err); } };
      entry.done = () => done;
      if (this._canSend(direct)) this._dispatch(entry);
      else this._enqueue(entry);
    }));
  }

  _enqueue(entry) {
    const waiting = this._wanted && (this._state === 'connecting' || this._state === 'reconnecting');
    if (!waiting || entry.direct) {
      const code = this.options.transport === 'polling' ? 'polling_only' : 'not_connected';
      entry.fail(new PulseError(code, `cannot send ${entry.action}: the client is ${this._state}`, { action: entry.action }));
    } else if (this._outbox.length >= this.options.outboxLimit) {
      entry.fail(new PulseError('outbox_full', `outbox full (${this.options.outboxLimit}); ${entry.action} not queued`, { action: entry.action }));
    } else {
      this._outbox.push(entry);
    }
  }

  _flushOutbox() {
    const queued = this._outbox.splice(0);
    for (const entry of queued) if (!entry.done()) this._dispatch(entry);
  }

  _failOutbox(err) {
    for (const entry of this._outbox.splice(0)) entry.fail(err);
  }

  _dispatch(entry) {
    if (entry.done()) return;
    if (!this._canSend(entry.direct)) {
      this._enqueue(entry);
      return;
    }
    const wait = this._limiter.take(entry.action);
    if (wait > 0) {
      if (entry.rateLimit === 'queue') {
        entry.retryTimer = setTimeout(() => this._dispatch(entry), wait);
      } else {
        entry.fail(new PulseError('rate_limited', `client-side limit for ${entry.action} reached`,
          { retryAfterMs: wait, action: entry.action, local: true }));
      }
      return;
    }
    const frame = { action: entry.action };
    if (!entry.noReply) {
      entry.id = String(++this._nextId);
      frame.id = entry.id;
      this._pending.set(entry.id, entry);
    }
    if (entry.data !== undefined) frame.data = entry.data;
    try {
      this._ws.send(JSON.stringify(frame));
      if (entry.noReply) entry.succeed(undefined);
    } catch (e) {
      entry.fail(new PulseError('send_failed', `could not send ${entry.action}`, { action: entry.action, cause: e }));
    }
  }

  // ---- typing -----------------------------------------------------------------------------------------

  /** Typing is a signal: never queued while offline; repeats within typingRepeatMs and over-limit sends coalesce. */
  _typingSend(room, action) {
    const t = this._typingSent.get(room) ?? { startedAt: 0, active: false, timer: null, want: null };
    this._typingSent.set(room, t);
    if (t.timer) { t.want = action; return; } // waiting for the limit: only the latest intent is sent
    if (!this._canSend()) { t.active = false; return; }
    if (action === 'typing.start' && t.active && Date.now() - t.startedAt < this.options.typingRepeatMs) return;
    if (action === 'typing.stop' && !t.active) return;
    this._call(action, { room }).catch((e) => {
      t.active = action === 'typing.stop'; // the transition did not happen
      if (e.code !== 'rate_limited') { this._report(e); return; }
      t.want = action;
      t.timer = setTimeout(() => {
        t.timer = null;
        const want = t.want;
        t.want = null;
        if (want) this._typingSend(room, want);
      }, e.retryAfterMs ?? 1000);
    });
    if (action === 'typing.start') { t.active = true; t.startedAt = Date.now(); } else t.active = false;
  }

  // ---- polling fallback (PROTOCOL §8.4) ---------------------------------------------------------------

  _startPolling() {
    if (this._polling) return;
    this._polling = true;
    this._pollHealthy = false;
    this._setTransport('polling');
    this._pollSince = new Date(this._offlineSince).toISOString();
    const loop = async () => {
      if (!this._polling) return;
      let more = false;
      try {
        more = await this._pollOnce();
        if (!this._polling) return;
        this._pollHealthy = true;
        if (this.options.transport === 'polling') this._setState('connected');
      } catch (e) {
        if (!this._polling) return;
        this._pollHealthy = false;
        this._report(e);
        if (this.options.transport === 'polling' && this._state === 'connected') this._setState('reconnecting');
      }
      this._setTimer('poll', more ? 0 : this.options.pollIntervalMs, loop);
    };
    loop();
  }

  _stopPolling() {
    if (!this._polling) return;
    this._polling = false;
    this._pollHealthy = false;
    this._clearTimer('poll');
    if (this._transport === 'polling') this._setTransport(null);
  }

  async _pollOnce() {
    // The same token until it nears expiry: a token function is not called at every poll.
    const exp = decodeJwt(this._token)?.exp;
    const fresh = this._token && (!Number.isFinite(exp) || exp * 1000 - Date.now() > this.options.refreshBeforeMs);
    const token = fresh ? this._token : await this._readToken();
    const { userId, workspaceId } = this;
    const rooms = new Set(this._rooms);
    if (userId) rooms.add(`user:${userId}`);
    if (workspaceId) rooms.add(`workspace:${workspaceId}`);
    const known = [...rooms].filter((r) => this._positions.has(r));
    const unknown = [...rooms].filter((r) => !this._positions.has(r));
    let more = false;
    // Rooms without a position start from when we went offline; then positions take over.
    if (unknown.length) more = await this._postSync({ since: this._pollSince, rooms: unknown.slice(0, SYNC_MAX_ROOMS) }, token) || more;
    for (let i = 0; i < known.length; i += SYNC_MAX_ROOMS) {
      const batch = known.slice(i, i + SYNC_MAX_ROOMS);
      const positions = Object.fromEntries(batch.map((r) => [r, wirePosition(this._positions.get(r))]));
      more = await this._postSync({ positions }, token) || more;
    }
    return more;
  }

  async _postSync(body, token) {
    const fetchFn = this.options.fetch ?? globalThis.fetch;
    const res = await fetchFn(this.options.pollUrl, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = await res.json().catch(() => null);
    if (!res.ok) throw serverError(json?.error ?? { code: `http_${res.status}` }, 'poll');
    (json.events ?? []).forEach((e) => this._onEvent(e, false));
    this._applyRoomStates(json.rooms ?? {}, json.more);
    return !!json.more;
  }

  // ---- small helpers ----------------------------------------------------------------------------------

  _setState(state) {
    if (state === this._state) return;
    const previous = this._state;
    this._state = state;
    this._events.emit('state', state, previous);
  }

  _setTransport(transport) {
    if (transport === this._transport) return;
    this._transport = transport;
    this._events.emit('transport', transport);
  }

  _setTimer(name, ms, fn) {
    this._clearTimer(name);
    this._timers[name] = setTimeout(() => {
      delete this._timers[name];
      fn();
    }, ms);
  }

  _clearTimer(name) {
    clearTimeout(this._timers[name]);
    delete this._timers[name];
  }

  /** Every failure ends up here, never as an uncaught exception. */
  _report(error, code, message) {
    const detail = String(error?.message ?? error);
    const err = error instanceof PulseError ? error
      : new PulseError(code ?? 'client_error', message ? `${message}: ${detail}` : detail, { cause: error });
    if (this._events.has('error')) this._events.emit('error', err);
  }
}

export function createClient(options) {
  return new PulseClient(options);
}

function serverError(error, action) {
  return new PulseError(error?.code ?? 'unknown_error', error?.message,
    { retryAfterMs: error?.retryAfterMs, reason: error?.reason, action });
}

/**
 * Marks a promise as handled, so an app that fires a call and ignores it never gets an unhandled rejection
 * when the socket fails; whoever awaits or catches the promise still sees the error.
 */
function handled(promise) {
  promise.catch(() => {});
  return promise;
}

function wirePosition(p) {
  return p.epoch === undefined ? { seq: p.seq } : { seq: p.seq, epoch: p.epoch };
}
