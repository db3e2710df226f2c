// Type declarations for @pulse/web-client (protocol pulse.v1, see events-schema/PROTOCOL.md).

export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting' | 'error';
export type Transport = 'websocket' | 'polling' | null;
export type TokenSource = string | (() => string | Promise<string>);
export type Unsubscribe = () => void;

export interface Position { seq: number; epoch?: string }

export interface EventFrame<T = unknown> {
  type: 'event';
  event: string;
  room: string;
  seq?: number;
  epoch?: string;
  eventId: string;
  timestamp: string;
  correlationId?: string;
  positions?: Record<string, Position>;
  data: T;
}

export interface RoomSyncState { status: 'restored' | 'lost' | 'partial' | 'not_joined'; seq?: number; epoch?: string }

export interface PulseClientOptions {
  /** WebSocket URL, e.g. ws://localhost:8787/local (not needed with transport 'polling'). */
  url?: string;
  /** The JWT, or a (possibly async) function returning one; a function is called at every (re)connect and refresh. */
  token: TokenSource;
  /** When the app loaded its state (ISO-8601 or a Date): the first connect replays every room from then. Later
   *  reconnects replay from the client's last frame on their own (PROTOCOL §8.3). */
  since?: string | Date;
  /** 'query' (default): ?token=…; 'subprotocol': offers ['pulse.v1', 'bearer.<jwt>'] (PROTOCOL §1.2). */
  tokenTransport?: 'query' | 'subprotocol';
  /** A WebSocket constructor (default globalThis.WebSocket; Node 20 needs --experimental-websocket, or pass the ws
   *  package's: `import WebSocket from 'ws'`, then `{ WebSocket }`). */
  WebSocket?: unknown;
  /** A fetch function for polling (default globalThis.fetch). */
  fetch?: typeof fetch;
  /** Reconnect backoff: delay = min(maxMs, baseMs·2^n), half of it random; state 'error' after `attempts`. */
  backoff?: { baseMs?: number; maxMs?: number; attempts?: number };
  /** Random source for the jitter (default Math.random), e.g. () => 1 for a predictable schedule. */
  random?: () => number;
  /** Default timeout of request() (default 15000); it runs from the call, including time in the outbox. */
  requestTimeoutMs?: number;
  /** Give up on a socket that has not opened after this long (default 15000). */
  openTimeoutMs?: number;
  /** Heartbeat ping interval (default 300000, under API Gateway's 10 min idle timeout); 0 disables. */
  pingIntervalMs?: number;
  /** Refresh the token (auth.refresh) this long before its exp (default 60000). Needs a token function. */
  refreshBeforeMs?: number;
  /** Set false to never send auth.refresh (default true). */
  tokenRefresh?: boolean;
  /** Requests queued while connecting/reconnecting, at most (default 100). */
  outboxLimit?: number;
  /** Event ids remembered for deduplication (default 5000). */
  dedupeSize?: number;
  /** How long a gap (seq > last + 1) may stay open before a sync.request for its room (default 1000). */
  gapGraceMs?: number;
  /** Ordered mode: which rooms hand their events over in seq order, holding those past a gap until sync fills it.
   *  true (every room), rooms and namespaces ('chat:' matches chat:*), or a function. Default false. */
  ordered?: boolean | string[] | ((room: string) => boolean);
  /** Ordered mode: a room's held events are delivered (the gap reported) this long after the first was held (default 10000). */
  orderedHoldMs?: number;
  /** Ordered mode: one held event more than this in a room delivers them at once, the gap reported (default 100). */
  orderedMaxHeld?: number;
  /** Where a socket that failed to open asks why (POST, the polling endpoint of PROTOCOL §8.4; default pollUrl):
   *  a refused token is then told from a network failure (connect_error unauthorized / forbidden / unreachable). */
  authCheckUrl?: string;
  /** typing.start is re-sent at most this often per room while typing (default 3000). */
  typingRepeatMs?: number;
  /** Client-side limits: action -> [max, windowMs], '*' the shared bucket; false disables. Default: the server's defaults. */
  rateLimits?: Record<string, [number, number]> | false;
  /** Over a client-side limit, request() rejects with code 'rate_limited' ('reject', default) or waits ('queue'). */
  rateLimitMode?: 'reject' | 'queue';
  /** 'auto' (default): WebSocket, polling as a fallback when pollUrl is set; 'polling': polling only. */
  transport?: 'auto' | 'polling';
  /** The HTTP polling endpoint (POST /sync), e.g. http://localhost:8787/sync. */
  pollUrl?: string;
  /** Poll interval (default 3000). */
  pollIntervalMs?: number;
  /** Start polling after this many consecutive sockets that failed to open (default 3). */
  pollAfterFailures?: number;
  /** JWT claims holding the user and workspace id (default 'sub', 'workspaceId'). */
  userClaim?: string;
  workspaceClaim?: string;
  /** Positions saved by an earlier session: the first connect syncs from them. */
  positions?: Record<string, Position>;
}

/** The codes the client raises itself (clients/web/README.md, "Error codes"); server codes are PROTOCOL §7's. */
export type ClientErrorCode =
  | 'timeout' | 'disconnected' | 'not_connected' | 'outbox_full' | 'polling_only' | 'rate_limited' | 'send_failed'
  | 'reconnect_failed' | 'connect_failed' | 'unreachable' | 'unauthorized' | 'forbidden' | 'auth_unavailable'
  | 'token_error' | 'no_websocket' | 'invalid_url' | 'invalid_frame' | 'malformed_frame' | 'handler_error'
  | 'listener_error' | 'client_error' | 'unknown_error' | 'error';

export declare class PulseError extends Error {
  /** A protocol error code (PROTOCOL §7: forbidden, rate_limited, …), a ClientErrorCode, or http_<status> for a poll
   *  answered without an error code. */
  code: ClientErrorCode | (string & {});
  retryAfterMs?: number;
  /** Why access was refused: not_granted, room_token_missing, room_token_invalid, room_token_expired,
   *  room_token_mismatch, hook_denied, hook_unavailable, own_rooms_only (PROTOCOL §5.1). For unauthorized / forbidden
   *  connects the server's reason (token_expired, signature_invalid, claims_invalid, … PROTOCOL §1.3); for
   *  unreachable 'network', 'websocket' or 'server_error'; for reconnect_failed and state 'error' the cause's code. */
  reason?: string;
  action?: string;
  /** true when the client raised it without sending anything (e.g. its own rate limit). */
  local?: boolean;
  cause?: unknown;
  constructor(code: string, message?: string, extra?: { retryAfterMs?: number; reason?: string; action?: string; cause?: unknown; local?: boolean });
}

export interface ClientEvents {
  state: (state: ConnectionState, previous: ConnectionState) => void;
  error: (error: PulseError) => void;
  /** Continuity lost for a room (sync.state 'lost' or a new epoch): refetch its state from your backend. */
  lost: (info: { room: string; reason: 'lost' | 'epoch'; seq?: number; epoch?: string }) => void;
  sync: (info: { rooms: Record<string, RoomSyncState>; more: boolean }) => void;
  reconnect: (info: { attempt: number; delayMs: number }) => void;
  /** A connect that failed before the socket opened, with its cause: unauthorized, forbidden (the client then stops,
   *  after asking a token function once more), unreachable, auth_unavailable, connect_failed (no authCheckUrl/pollUrl
   *  to tell), token_error, no_websocket, invalid_url. */
  connect_error: (error: PulseError) => void;
  /** An open socket ended: by the client (disconnect, retry), the server (a close frame), the network or a ping timeout. */
  closed: (info: { by: 'client' | 'server' | 'network' | 'ping_timeout'; code: number }) => void;
  /** Ordered mode: events from..to (inclusive) of room were skipped; the events after them are delivered next. */
  gap: (info: { room: string; from: number; to: number; epoch?: string; reason: 'timeout' | 'overflow' | 'lost' | 'epoch' | 'sync' }) => void;
  transport: (transport: Transport) => void;
  token: (info: { expiresAt?: string }) => void;
  typing: (room: string, userIds: string[]) => void;
}

export interface PresenceUser { userId: string; status: 'online' | 'away' | 'busy'; devices: number }
export interface PresenceList { room: string; onlineCount: number; users: PresenceUser[]; truncated: boolean }
export type PresenceEventName = 'presence.join' | 'presence.leave' | 'presence.update';
/**
 * The server's presence signal (PROTOCOL §4.9): a room's net changes of one window. The client hands each entry to
 * the app as a presence.join / presence.update / presence.leave event (and to presence.onChange).
 */
export interface PresenceDiff {
  room: string;
  joins: PresenceUser[];
  updates: PresenceUser[];
  leaves: { userId: string }[];
}

export declare class PulseClient {
  constructor(options: PulseClientOptions);
  readonly options: PulseClientOptions;
  readonly state: ConnectionState;
  readonly transport: Transport;
  readonly connectionId: string | null;
  readonly userId: string | null;
  readonly workspaceId: string | null;
  /** Rooms joined with join() (rejoined after every reconnect). */
  readonly rooms: string[];
  /** A copy of the last contiguous position per room (in ordered rooms: of the last event delivered). */
  readonly positions: Record<string, Position>;
  /** Ordered mode: events held past a gap, per room. */
  readonly held: Record<string, number>;
  /** What put the client in state 'error' (e.g. code 'unauthorized', reason 'token_expired'), else null. */
  readonly lastError: PulseError | null;

  on<K extends keyof ClientEvents>(type: K, fn: ClientEvents[K]): Unsubscribe;
  subscribe<T = any>(eventName: string, handler: (data: T, frame: EventFrame<T>) => void): Unsubscribe;

  connect(): this;
  disconnect(): void;
  retry(): this;
  whenConnected(timeoutMs?: number): Promise<void>;

  request<T = any>(action: string, data?: object, options?: { timeoutMs?: number; rateLimit?: 'reject' | 'queue' }): Promise<T>;
  emit(action: string, data?: object): void;

  /** In a room-token namespace, pass the room token (or a function returning it, called again at every rejoin). */
  join(room: string, options?: { token?: string | ((room: string) => string | Promise<string>) }): Promise<{ room: string; expiresAt?: string }>;
  leave(room: string): Promise<{ room: string }>;
  publish(room: string, event: string, data?: unknown): Promise<{ room: string; eventId: string }>;
  /** Over the client-side sync.request limit: rejects at once with rate_limited in 'reject' mode, waits in 'queue'. */
  sync(rooms?: string[], options?: { rateLimit?: 'reject' | 'queue' }): Promise<{ events: number }>;

  readonly presence: {
    update(status: 'online' | 'away' | 'busy'): Promise<{ status: string }>;
    list(room: string): Promise<PresenceList>;
    /** One call per user of each presence.diff; frame is the diff's event frame. */
    onChange(fn: (event: PresenceEventName, data: any, frame: EventFrame) => void): Unsubscribe;
  };
  readonly typing: {
    start(room: string): void;
    stop(room: string): void;
    users(room: string): string[];
    onChange(fn: (room: string, userIds: string[]) => void): Unsubscribe;
  };
}

export declare function createClient(options: PulseClientOptions): PulseClient;
export declare function backoffDelay(attempt: number, backoff?: { baseMs?: number; maxMs?: number }, random?: () => number): number;
export declare function decodeJwt(token: string): Record<string, unknown> | null;
export declare const DEFAULT_RATE_LIMITS: Readonly<Record<string, [number, number]>>;
export declare class RateLimiter {
  constructor(limits?: Record<string, [number, number]> | null, now?: () => number);
  take(action: string): number;
  peek(action: string): number;
  reset(): void;
}
export declare class SeenIds {
  constructor(limit?: number);
  check(id: string): boolean;
  readonly size: number;
}
export declare class TypingTracker {
  constructor(ownUserId: () => string | null | undefined, onChange: (room: string, userIds: string[]) => void, defaultExpiresInMs?: number);
  handle(event: string, data: any, frame?: EventFrame): void;
  users(room: string): string[];
  clear(): void;
}
