// Ordered mode's waiting room: per room, the events that arrived past a seq gap, held until the gap fills or a
// bound is reached (time since the first one was held, or how many are held). No dependencies.

export class HeldEvents {
  /**
   * @param holdMs   how long a room's first held event may wait before the room is released
   * @param maxHeld  how many events a room may hold; one more releases it
   * @param onDue    (room, reason) when a bound is reached: 'timeout' or 'overflow'
   */
  constructor({ holdMs, maxHeld, onDue }) {
    this.holdMs = holdMs;
    this.maxHeld = maxHeld;
    this.onDue = onDue;
    this.rooms = new Map(); // room -> { frames: Map(seq -> frame), timer }
  }

  /** Holds frame (a repeat of a held seq replaces it); reports 'overflow' when the room holds more than maxHeld. */
  hold(room, frame) {
    let entry = this.rooms.get(room);
    if (!entry) {
      entry = { frames: new Map(), timer: setTimeout(() => this.onDue(room, 'timeout'), this.holdMs) };
      entry.timer?.unref?.(); // Node: held events do not keep the process alive
      this.rooms.set(room, entry);
    }
    entry.frames.set(frame.seq, frame);
    if (entry.frames.size > this.maxHeld) this.onDue(room, 'overflow');
  }

  has(room) {
    return this.rooms.has(room);
  }

  count(room) {
    return this.rooms.get(room)?.frames.size ?? 0;
  }

  /** Removes and returns the held frame with this seq, if any. */
  take(room, seq) {
    const entry = this.rooms.get(room);
    const frame = entry?.frames.get(seq);
    if (frame) {
      entry.frames.delete(seq);
      if (!entry.frames.size) this.clear(room);
    }
    return frame;
  }

  /** Removes and returns the held frames with seq <= upTo, lowest seq first. */
  takeUpTo(room, upTo = Infinity) {
    const entry = this.rooms.get(room);
    if (!entry) return [];
    const seqs = [...entry.frames.keys()].filter((s) => s <= upTo).sort((a, b) => a - b);
    const frames = seqs.map((s) => entry.frames.get(s));
    seqs.forEach((s) => entry.frames.delete(s));
    if (!entry.frames.size) this.clear(room);
    return frames;
  }

  /** The rooms holding events. */
  roomNames() {
    return [...this.rooms.keys()];
  }

  clear(room) {
    clearTimeout(this.rooms.get(room)?.timer);
    this.rooms.delete(room);
  }
}

/** Whether a room is in ordered mode under the `ordered` option: true, a list of rooms and 'namespace:'s, or a function. */
export function orderedRooms(option) {
  if (option === true) return () => true;
  if (typeof option === 'function') return (room) => { try { return !!option(room); } catch { return false; } };
  if (Array.isArray(option)) {
    return (room) => option.some((entry) => (entry.endsWith(':') ? room.startsWith(entry) : room === entry));
  }
  return () => false;
}
