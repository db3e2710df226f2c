/**
 * Time-ordered unique ids in the UUIDv7 layout (RFC 9562), as the Java EventIdGenerator makes them: 48 bits of Unix
 * milliseconds, a 12-bit counter, then 62 random bits. Ids from one generator sort strictly by creation, as strings,
 * even within one millisecond (past 4096 in one millisecond the counter spills into the timestamp, as the RFC
 * allows); ids from different processes sort by millisecond. BigInt, because millis << 12 passes 2^53 in 2039.
 */
export class EventIdGenerator {
  private last = 0n;

  constructor(private readonly now: () => number = Date.now) {}

  /** @param now the clock's reading, when the caller needs the same one for something else (publishedAt) */
  next(now: number = this.now()): string {
    const stamp = BigInt(now) << 12n;
    this.last = stamp > this.last ? stamp : this.last + 1n;
    const millis = this.last >> 12n;
    const counter = this.last & 0xfffn;
    const high = (millis << 16n) | 0x7000n | counter;
    const random = crypto.getRandomValues(new Uint8Array(8));
    random[0] = (random[0]! & 0x3f) | 0x80; // the RFC 9562 variant, 10xx
    const hex = high.toString(16).padStart(16, '0') + Buffer.from(random).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** The Unix milliseconds embedded in an id made by this class. */
  static millisOf(id: string): number {
    return Number(BigInt(`0x${id.replace(/-/g, '').slice(0, 12)}`));
  }
}
