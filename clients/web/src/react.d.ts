// Type declarations for @pulse/web-client/react (React >= 18 is a peer dependency).
import type { ReactNode } from 'react';
import type { ConnectionState, EventFrame, PresenceUser, PulseClient, PulseClientOptions, Transport } from './pulse-client.js';

export type PulseProviderProps =
  /** A client the caller owns: the provider neither connects nor disconnects it. */
  | { client: PulseClient; options?: never; children?: ReactNode }
  /** The provider creates the client once, connects it on mount and disconnects it on unmount. */
  | { client?: never; options: PulseClientOptions; children?: ReactNode };

export declare function PulseProvider(props: PulseProviderProps): ReactNode;

/** The client of the nearest PulseProvider (throws outside one). */
export declare function usePulseClient(): PulseClient;

export interface Realtime { client: PulseClient; state: ConnectionState; transport: Transport }

/** Connection state and transport, re-rendering on changes; with an event name, also subscribes like usePulseEvent. */
export declare function useRealtime(): Realtime;
export declare function useRealtime<T = any>(eventName: string | null, handler: (data: T, frame: EventFrame<T>) => void): Realtime;

/** Subscribes while mounted ('*' for every event); the latest handler is called. A null name subscribes to nothing. */
export declare function usePulseEvent<T = any>(eventName: string | null, handler: (data: T, frame: EventFrame<T>) => void): void;

export interface RoomPresence { users: PresenceUser[]; onlineCount: number; truncated: boolean }

/** A room's presence: presence.list at every (re)connect, then the presence.diff signals. */
export declare function usePresence(room: string | null): RoomPresence;
