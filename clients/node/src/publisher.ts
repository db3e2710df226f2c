import { EventBridgeClient, PutEventsCommand, type PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import type { EventCatalog } from './catalog.js';
import { type ControlCommand, controlDetail } from './control.js';
import { batches, entrySize } from './entry-size.js';
import { PublishError, PublishRefusedError, type Failure } from './errors.js';
import { EventIdGenerator } from './event-id.js';
import { type PulseEntry, PublishRequest, type RequestContext } from './publish-request.js';
import { CONTROL_DETAIL_TYPE, MAX_EVENT_NAME_LENGTH, isText } from './rules.js';

export interface PublisherOptions {
  /** Validates every payload against its event's schema before anything is sent. */
  catalog?: EventCatalog;
  /** The clock event ids and `publishedAt` come from (tests). */
  now?: () => number;
}

/** Extra fields for the seed-named helpers (`emitToRoom`, …). */
export interface EmitOptions {
  /** Skip this connection, usually the sender's. */
  except?: string;
  correlationId?: string;
  /** An idempotency key of your own instead of the generated id. */
  eventId?: string;
}

/**
 * How a Node service publishes Pulse events: PutEvents on its EventBridge bus with the stock AWS SDK v3 client, the
 * envelope of PROTOCOL §10.2. The same API and rules as the Java publisher (dev.pulse.publish.Publisher):
 * ```ts
 * const publisher = new Publisher(new EventBridgeClient({}), 'default', 'com.acme.approvals');
 * const id = await publisher.event('approval.created').toWorkspace('acme').except(connectionId).data(item).send();
 * ```
 * One per service, shared. Bad input is refused before any network call (PublishRefusedError, InvalidEventError);
 * entries EventBridge rejects are reported (PublishError); SDK errors (network, throttling after the SDK's retries,
 * credentials) propagate unchanged.
 */
export class Publisher {
  readonly client: EventBridgeClient;
  readonly eventBusName: string;
  readonly source: string;
  readonly catalog: EventCatalog | undefined;
  private readonly now: () => number;
  private readonly ids: EventIdGenerator;
  private readonly context: RequestContext;

  /**
   * @param client the stock EventBridge client: its endpoint, region and credentials decide where events go
   * @param eventBusName the bus the fan-out rule is on (`default` unless the deployment named another)
   * @param source the publishing service's name, e.g. `com.acme.approvals`; EventBridge reserves `aws.*`
   */
  constructor(client: EventBridgeClient, eventBusName: string, source: string, options: PublisherOptions = {}) {
    if (!client || typeof client.send !== 'function') throw new TypeError('client must be an EventBridgeClient');
    if (!isText(eventBusName)) throw new TypeError('eventBusName must not be blank');
    if (!isText(source)) throw new TypeError('source must not be blank');
    if (source.startsWith('aws.')) throw new TypeError(`source must not start with 'aws.' (reserved by AWS): ${source}`);
    this.client = client;
    this.eventBusName = eventBusName;
    this.source = source;
    this.catalog = options.catalog;
    this.now = options.now ?? Date.now;
    this.ids = new EventIdGenerator(this.now);
    const catalog = this.catalog;
    this.context = {
      source,
      eventBusName,
      checkPayload: (event, data) => catalog?.validate(event, data),
      sendOne: async (request) => (await this.sendAll([request]))[0]!,
    };
  }

  /** This publisher, validating every payload against the catalog before sending (undefined: no validation). */
  withCatalog(catalog: EventCatalog | undefined): Publisher {
    return new Publisher(this.client, this.eventBusName, this.source, { catalog, now: this.now });
  }

  /** Starts an event; its id (time-ordered) and publish time are fixed now. */
  event(name: string): PublishRequest {
    if (!isText(name) || name.length > MAX_EVENT_NAME_LENGTH) {
      throw new PublishRefusedError(String(name), 'detail-type', `the event name must be 1 to ${MAX_EVENT_NAME_LENGTH} characters`);
    }
    const now = this.now(); // one reading: publishedAt and the id's time agree
    return new PublishRequest(this.context, name, this.ids.next(now), new Date(now));
  }

  /**
   * Publishes many events in as few PutEvents calls as EventBridge allows (10 entries and 256 KB per call). Every
   * request is checked before anything is sent. Resolves with the event ids in request order.
   * @throws PublishError when EventBridge rejected some entries: every call is still made, and the error lists what was
   *         and was not published
   */
  async sendAll(requests: readonly PublishRequest[]): Promise<string[]> {
    const prepared = requests.map((request) => ({ request, entry: request.toEntry() }));
    const failures: Failure[] = [];
    const published: string[] = [];
    for (const call of batches(prepared, ({ entry }) => entrySize(entry))) {
      const results = await this.put(call.map(({ entry }) => entry));
      call.forEach(({ request }, i) => record(request.eventId(), results[i], failures, published));
    }
    if (failures.length > 0) throw new PublishError(failures, published);
    return requests.map((request) => request.eventId());
  }

  // ---- the seeds' helpers (HYVVE's emitToWorkspace, Famly's emitToRoom and emitToUserRooms), workspace first ----

  /** HYVVE's `emitToWorkspace(workspaceId, event, data)`: every connection of the workspace. Resolves with the id. */
  emitToWorkspace(workspaceId: string, event: string, data: unknown, options: EmitOptions = {}): Promise<string> {
    return this.prepared(event, options).toWorkspace(workspaceId).data(data).send();
  }

  /** Famly's `emitToRoom(roomName, eventName, payload)` inside a workspace: the members of the room. */
  emitToRoom(workspaceId: string, room: string, event: string, data: unknown, options: EmitOptions = {}): Promise<string> {
    return this.prepared(event, options).toRoom(workspaceId, room).data(data).send();
  }

  /**
   * Famly's `emitToUserRooms(eventName, userIds, payload)` inside a workspace: every device of each user. As in Famly,
   * an empty list sends nothing and resolves with null.
   */
  emitToUserRooms(workspaceId: string, event: string, userIds: readonly string[], data: unknown,
                  options: EmitOptions = {}): Promise<string | null> {
    const request = this.prepared(event, options).toUsers(workspaceId, userIds).data(data);
    return userIds.length === 0 ? Promise.resolve(null) : request.send();
  }

  // ---- control commands (PROTOCOL §10.6) ----

  /** Adds every connection of the user to the room (Socket.IO's `socketsJoin`); no access mode is checked. */
  joinRoom(workspaceId: string, room: string, userId: string): Promise<string> {
    return this.control({ control: 'room.join', workspaceId, room, userId });
  }

  /** Removes every connection of the user from the room at once (each gets `room.removed` with the reason). */
  removeFromRoom(workspaceId: string, room: string, userId: string, reason?: string): Promise<string> {
    return this.control({ control: 'room.remove', workspaceId, room, userId, ...(reason === undefined ? {} : { reason }) });
  }

  /** Closes every connection of the user (close code 1000). */
  closeConnections(workspaceId: string, userId: string): Promise<string> {
    return this.control({ control: 'connections.close', workspaceId, userId });
  }

  /** Any control command, e.g. one naming a single connection. Resolves with the command's id. */
  async control(command: ControlCommand): Promise<string> {
    const eventId = this.ids.next();
    const entry: PulseEntry = {
      Source: this.source,
      DetailType: CONTROL_DETAIL_TYPE,
      EventBusName: this.eventBusName,
      Detail: JSON.stringify(controlDetail(command, eventId)),
    };
    const failures: Failure[] = [];
    record(eventId, (await this.put([entry]))[0], failures, []);
    if (failures.length > 0) throw new PublishError(failures, []);
    return eventId;
  }

  private prepared(event: string, options: EmitOptions): PublishRequest {
    const request = this.event(event).except(options.except).correlationId(options.correlationId);
    return options.eventId === undefined ? request : request.eventId(options.eventId);
  }

  private async put(entries: PulseEntry[]): Promise<(PutEventsResultEntry | undefined)[]> {
    const response = await this.client.send(new PutEventsCommand({ Entries: entries }));
    return response.Entries ?? [];
  }
}

// Result entries line up with request entries by position.
function record(eventId: string, result: PutEventsResultEntry | undefined, failures: Failure[], published: string[]): void {
  if (!result) {
    failures.push({ eventId, errorCode: 'MissingResult', errorMessage: 'PutEvents returned no result for this entry' });
  } else if (result.ErrorCode) {
    failures.push({ eventId, errorCode: result.ErrorCode, errorMessage: result.ErrorMessage ?? '' });
  } else {
    published.push(eventId);
  }
}
