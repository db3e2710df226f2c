import { PublishRefusedError } from './errors.js';
import {
  ENVELOPE_VERSION, MAX_CORRELATION_ID_LENGTH, MAX_EVENT_ID_LENGTH, isText, isValidId, isValidRoomName,
} from './rules.js';
import { MAX_ENTRY_BYTES, entrySize } from './entry-size.js';

/** The PutEvents entry a request becomes (the SDK's PutEventsRequestEntry, with the fields Pulse sets). */
export interface PulseEntry {
  Source: string;
  DetailType: string;
  EventBusName: string;
  Detail: string;
}

/** The envelope (PROTOCOL §10.2) as it is sent in `Detail`. */
export interface Envelope {
  envelope: 'pulse.v1';
  eventId: string;
  workspaceId: string;
  targets: { workspace: boolean; users: string[]; rooms: string[] };
  exceptConnectionId?: string;
  correlationId: string;
  publishedAt: string;
  data: unknown;
}

/** What a request needs from its publisher: where entries go, and the catalog check. */
export interface RequestContext {
  readonly source: string;
  readonly eventBusName: string;
  checkPayload(event: string, data: unknown): void;
  sendOne(request: PublishRequest): Promise<string>;
}

/**
 * One event being published: made by `publisher.event(name)`, filled in fluently, then sent. Its event id (time-ordered)
 * and `publishedAt` are fixed when it is made, so sending the same request twice publishes the same event twice, which
 * the fan-out drops as a duplicate: a blind retry after a timeout is safe. Every method refuses bad input at once with a
 * PublishRefusedError naming the field, before any network call.
 */
export class PublishRequest {
  readonly event: string;
  private id: string;
  private readonly publishedAt: Date;
  private workspaceId: string | undefined;
  private workspace = false;
  private readonly users = new Set<string>();
  private readonly rooms = new Set<string>();
  private exceptConnectionId: string | undefined;
  private correlation: string | undefined;
  private payload: unknown = null;

  /** @internal made by Publisher.event */
  constructor(private readonly context: RequestContext, event: string, eventId: string, publishedAt: Date) {
    this.event = event;
    this.id = eventId;
    this.publishedAt = publishedAt;
  }

  /** Deliver to every connection of the workspace (room `workspace:<id>`). */
  toWorkspace(workspaceId: string): this {
    this.bind(workspaceId);
    this.workspace = true;
    return this;
  }

  /** Deliver to every device of these users (rooms `user:<id>`) inside the workspace. An empty list adds no target. */
  toUsers(workspaceId: string, userIds: readonly string[]): this {
    if (!Array.isArray(userIds)) this.refuse('targets.users', 'must be an array of user ids');
    userIds.forEach((user, i) => {
      if (!isValidId(user)) {
        this.refuse(`targets.users[${i}]`, `not a valid user id: ${JSON.stringify(user)} (1 to 128 of A-Z a-z 0-9 _ . @ : = + | -)`);
      }
    });
    this.bind(workspaceId);
    userIds.forEach((user) => this.users.add(user));
    return this;
  }

  /** Deliver to the members of a room of the workspace, e.g. `chat:42`. */
  toRoom(workspaceId: string, room: string): this {
    if (!isValidRoomName(room)) {
      this.refuse(`targets.rooms[${this.rooms.size}]`, `not a valid room name: ${JSON.stringify(room)} `
        + '(<namespace>:<id>, PROTOCOL §5: ^[a-z][a-z0-9_-]{0,31}:[A-Za-z0-9_.@:=+|-]{1,128}$)');
    }
    this.bind(workspaceId);
    this.rooms.add(room);
    return this;
  }

  /** Skip this connection, usually the one whose action caused the event (its id from `connection.info`). */
  except(connectionId: string | undefined | null): this {
    if (connectionId != null && !isText(connectionId)) this.refuse('exceptConnectionId', 'must be a non-empty string');
    this.exceptConnectionId = connectionId ?? undefined;
    return this;
  }

  /** Ties the event to the request that caused it; defaults to the event id. */
  correlationId(correlationId: string | undefined | null): this {
    if (correlationId != null && (!isText(correlationId) || correlationId.length > MAX_CORRELATION_ID_LENGTH)) {
      this.refuse('correlationId', `must be 1 to ${MAX_CORRELATION_ID_LENGTH} characters`);
    }
    this.correlation = correlationId ?? undefined;
    return this;
  }

  /** The event id (no argument), or replaces the generated one, e.g. with an id derived from the domain change. */
  eventId(): string;
  eventId(eventId: string): this;
  eventId(eventId?: string): string | this {
    if (arguments.length === 0) return this.id;
    if (!isText(eventId) || eventId.length > MAX_EVENT_ID_LENGTH) {
      this.refuse('eventId', `must be 1 to ${MAX_EVENT_ID_LENGTH} characters`);
    }
    this.id = eventId;
    return this;
  }

  /** The payload: any JSON value, copied now (later changes to the object do not leak into the event). */
  data(data: unknown): this {
    let json: string | undefined;
    try {
      json = JSON.stringify(data);
    } catch (e) {
      this.refuse('data', `is not JSON: ${(e as Error).message}`);
    }
    this.payload = json === undefined ? null : JSON.parse(json);
    return this;
  }

  /** The envelope as it will be sent. */
  envelope(): Envelope {
    const envelope: Envelope = {
      envelope: ENVELOPE_VERSION,
      eventId: this.id,
      workspaceId: this.workspaceId ?? '',
      targets: { workspace: this.workspace, users: [...this.users], rooms: [...this.rooms] },
      correlationId: this.correlation ?? this.id,
      publishedAt: this.publishedAt.toISOString(),
      data: this.payload,
    };
    if (this.exceptConnectionId !== undefined) {
      // The field order of the Java codec: exceptConnectionId comes before correlationId.
      const { correlationId, publishedAt, data, ...head } = envelope;
      return { ...head, exceptConnectionId: this.exceptConnectionId, correlationId, publishedAt, data };
    }
    return envelope;
  }

  /**
   * The PutEvents entry: Source = the publisher's service, DetailType = the event name, EventBusName = its bus,
   * Detail = the envelope.
   * @throws PublishRefusedError without a target, or over 256 KB; InvalidEventError when the catalog refuses the payload
   */
  toEntry(): PulseEntry {
    if (this.workspaceId === undefined) {
      this.refuse('targets', 'has no target: call toWorkspace, toUsers or toRoom');
    }
    this.context.checkPayload(this.event, this.payload);
    const entry: PulseEntry = {
      Source: this.context.source,
      DetailType: this.event,
      EventBusName: this.context.eventBusName,
      Detail: JSON.stringify(this.envelope()),
    };
    const size = entrySize(entry);
    if (size > MAX_ENTRY_BYTES) {
      this.refuse('data', `the entry is ${size} bytes; EventBridge accepts at most ${MAX_ENTRY_BYTES}. `
        + 'Publish a reference (e.g. an id to fetch) instead of the full payload.');
    }
    return entry;
  }

  /**
   * Publishes with one PutEvents call; resolves with the event id.
   * @throws PublishError when EventBridge rejects the entry; SDK errors (network, auth) unchanged
   */
  send(): Promise<string> {
    return this.context.sendOne(this);
  }

  private bind(workspaceId: string): void {
    if (!isText(workspaceId)) this.refuse('workspaceId', 'is missing: every event belongs to one workspace');
    if (!isValidId(workspaceId)) {
      this.refuse('workspaceId', `not a valid id: ${JSON.stringify(workspaceId)} (1 to 128 of A-Z a-z 0-9 _ . @ : = + | -)`);
    }
    if (this.workspaceId !== undefined && this.workspaceId !== workspaceId) {
      this.refuse('workspaceId', `all targets of one event must be in the same workspace: ${this.workspaceId} vs `
        + `${workspaceId}; publish one event per workspace`);
    }
    this.workspaceId = workspaceId;
  }

  private refuse(field: string, message: string): never {
    throw new PublishRefusedError(this.event, field, message);
  }
}
