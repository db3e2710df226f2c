// Type declarations for @pulse/web-client/compat: a Socket.IO-style facade over PulseClient.
import type { EventFrame, PulseClient, PulseClientOptions, PulseError, TokenSource } from './pulse-client.js';

export interface SocketOptions extends Omit<PulseClientOptions, 'url' | 'token'> {
  /** As in socket.io-client: { token } (a string or a function returning one), or auth(cb) calling cb({ token }). */
  auth?: { token: TokenSource } | ((cb: (data: { token: string }) => void) => void);
  /** Connect at once (default true), as socket.io-client does. */
  autoConnect?: boolean;
  /** Events whose names start with this are client events (room.publish): listeners get the sender's data (default 'client.'). */
  clientEventPrefix?: string;
  /** PulseClient's token option, used when auth is not given. */
  token?: TokenSource;
}

/** Socket.IO's reasons, for the ways a Pulse connection ends. Pulse reconnects on its own after all but the client's. */
export type DisconnectReason = 'io server disconnect' | 'io client disconnect' | 'transport close' | 'ping timeout';

export type Ack<T = any> = (reply: T | { error: PulseError }) => void;
export type TimedAck<T = any> = (err: PulseError | null, reply?: T) => void;

export declare class Socket {
  /** The Pulse client underneath: rooms, presence, typing, positions, on('error'), … */
  readonly pulse: PulseClient;
  readonly connected: boolean;
  readonly disconnected: boolean;
  /** Whether it will (re)connect on its own: false after disconnect() and after a refused token. */
  readonly active: boolean;
  /** The connection id while connected (a new one after every reconnect), else undefined. */
  readonly id: string | undefined;

  connect(): this;
  open(): this;
  disconnect(): this;
  close(): this;

  on(event: 'connect', listener: () => void): this;
  on(event: 'disconnect', listener: (reason: DisconnectReason, details: { code: number; by: string }) => void): this;
  on(event: 'connect_error', listener: (err: PulseError) => void): this;
  /** A server event (or a client event of another member) by name: listener(data, frame). */
  on<T = any>(event: string, listener: (data: T, frame: EventFrame) => void): this;
  once(event: string, listener: (...args: any[]) => void): this;
  off(event?: string, listener?: (...args: any[]) => void): this;
  removeAllListeners(event?: string): this;
  listeners(event: string): Array<(...args: any[]) => void>;
  onAny(listener: (event: string, data: any, frame: EventFrame) => void): this;
  offAny(listener?: (event: string, data: any, frame: EventFrame) => void): this;

  /** A client event: room.publish to data.room with data as the payload. A protocol action (room.join,
   *  presence.update, …) is sent as that action. ack(reply), or ack({ error }) when it failed. */
  emit<T = any>(event: string, data?: { room?: string; [key: string]: unknown }, ack?: Ack<T>): this;
  /** Resolves with the reply's data, rejects with a PulseError; never an unhandled rejection. */
  emitWithAck<T = any>(event: string, data?: { room?: string; [key: string]: unknown }): Promise<T>;
  /** The next emit's ack becomes ack(err, reply), err.code 'timeout' after ms; emitWithAck rejects then. */
  timeout(ms: number): {
    emit<T = any>(event: string, data?: object, ack?: TimedAck<T>): Socket;
    emitWithAck<T = any>(event: string, data?: object): Promise<T>;
  };
}

export declare function io(url: string, options?: SocketOptions): Socket;
