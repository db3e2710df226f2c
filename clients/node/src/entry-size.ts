/**
 * The size EventBridge charges a PutEvents entry against its limit, as EventBridge documents it ("Calculating
 * PutEvents event entry size"): the UTF-8 bytes of Source, DetailType and Detail (plus 14 for Time and each Resource,
 * which this publisher never sets). The limit applies to the sum of one request's entries. EventBridge raised it to
 * 1 MB in 2026; Pulse keeps the classic 256 KB, as the Java publisher does: every event ends up in WebSocket messages
 * of at most 128 KB anyway, and 256 KB works on every region and emulator.
 */
export const MAX_ENTRY_BYTES = 256 * 1024;

/** EventBridge accepts at most 10 entries per PutEvents call. */
export const MAX_ENTRIES_PER_CALL = 10;

export interface SizedEntry {
  Source?: string | undefined;
  DetailType?: string | undefined;
  Detail?: string | undefined;
}

export function entrySize(entry: SizedEntry): number {
  return utf8(entry.Source) + utf8(entry.DetailType) + utf8(entry.Detail);
}

function utf8(s: string | undefined): number {
  return s === undefined ? 0 : Buffer.byteLength(s, 'utf8');
}

/** Splits items, in order, into PutEvents calls of at most 10 entries and 256 KB (a single larger one is alone). */
export function batches<T>(items: readonly T[], sizeOf: (item: T) => number): T[][] {
  const calls: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of items) {
    const size = sizeOf(entry);
    if (current.length > 0 && (current.length === MAX_ENTRIES_PER_CALL || bytes + size > MAX_ENTRY_BYTES)) {
      calls.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) calls.push(current);
  return calls;
}
