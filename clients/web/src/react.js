// A tiny React binding for the Pulse web client: a provider and hooks. React (>= 18) is a peer dependency;
// the core client (pulse-client.js) stays dependency-free and does not import this file.
import {
  createContext, createElement, useCallback, useContext, useEffect, useLayoutEffect, useRef, useState,
  useSyncExternalStore,
} from 'react';
import { createClient } from './pulse-client.js';

const PulseContext = createContext(null);

/**
 * <PulseProvider client={client}>: the caller owns the client (connects and disconnects it).
 * <PulseProvider options={{url, token, …}}>: the provider creates the client once, connects it on mount and
 * disconnects it on unmount (a StrictMode remount connects it again). Later changes to `options` are ignored;
 * give the provider a new `key` to start over with other options.
 */
export function PulseProvider({ client, options, children }) {
  const [own] = useState(() => (client ? null : createClient(requireOptions(options))));
  useEffect(() => {
    if (!own) return undefined;
    own.connect();
    return () => own.disconnect();
  }, [own]);
  return createElement(PulseContext.Provider, { value: client ?? own }, children);
}

function requireOptions(options) {
  if (!options) throw new TypeError('PulseProvider needs a client or options');
  return options;
}

/** The client from the nearest PulseProvider. */
export function usePulseClient() {
  const client = useContext(PulseContext);
  if (!client) throw new Error('Pulse hooks must be used inside a <PulseProvider>');
  return client;
}

/**
 * { client, state, transport }, re-rendering when the state or transport changes. With an event name and a
 * handler it also subscribes like usePulseEvent.
 */
export function useRealtime(eventName, handler) {
  const client = usePulseClient();
  const subscribe = useCallback((changed) => {
    const offs = [client.on('state', changed), client.on('transport', changed)];
    return () => offs.forEach((off) => off());
  }, [client]);
  const state = useSyncExternalStore(subscribe, () => client.state, () => client.state);
  const transport = useSyncExternalStore(subscribe, () => client.transport, () => client.transport);
  usePulseEvent(typeof eventName === 'string' ? eventName : null, handler);
  return { client, state, transport };
}

/**
 * Subscribes handler(data, frame) to a server event ('*' for all) while the component is mounted. The latest
 * handler is called, so an inline function does not resubscribe on every render. A null name subscribes to nothing.
 */
export function usePulseEvent(eventName, handler) {
  const client = usePulseClient();
  const latest = useRef(handler);
  useLayoutEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    if (!eventName) return undefined;
    return client.subscribe(eventName, (data, frame) => latest.current?.(data, frame));
  }, [client, eventName]);
}

/**
 * { users, onlineCount, truncated } of a room: presence.list at every (re)connect (presence events are not
 * replayed), then kept up to date by each presence.diff (through presence.onChange). In rooms too big for presence signals
 * (presence.list says signals: false) nothing updates it between reconnects.
 */
export function usePresence(room) {
  const { client, state } = useRealtime();
  const [presence, setPresence] = useState({ users: [], onlineCount: 0, truncated: false });
  const connected = state === 'connected';
  useEffect(() => {
    if (!room || !connected) return undefined;
    let users = new Map();
    let count = 0;
    let truncated = false;
    let active = true;
    const show = () => active && setPresence({ users: [...users.values()], onlineCount: truncated ? count : users.size, truncated });
    const off = client.presence.onChange((event, data, frame) => {
      if ((frame?.room ?? data?.room) !== room) return;
      const known = users.has(data.userId);
      if (event === 'presence.leave') {
        users.delete(data.userId);
        if (known || truncated) count = Math.max(0, count - 1);
      } else {
        if (!known && event === 'presence.join') count++;
        users.set(data.userId, { userId: data.userId, status: data.status, devices: data.devices });
      }
      show();
    });
    client.presence.list(room).then((list) => {
      users = new Map(list.users.map((u) => [u.userId, u]));
      count = list.onlineCount;
      truncated = list.truncated;
      show();
    }, () => {}); // a failed list (e.g. the socket dropped) is retried at the next connect
    return () => {
      active = false;
      off();
    };
  }, [client, room, connected]);
  return presence;
}
