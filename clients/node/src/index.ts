export { Publisher, type PublisherOptions, type EmitOptions } from './publisher.js';
export { PublishRequest, type Envelope, type PulseEntry } from './publish-request.js';
export { EventCatalog, type UnknownEvents } from './catalog.js';
export { type ControlCommand } from './control.js';
export { EventIdGenerator } from './event-id.js';
export { MAX_ENTRIES_PER_CALL, MAX_ENTRY_BYTES, entrySize } from './entry-size.js';
export { InvalidEventError, PublishError, PublishRefusedError, type Failure, type Violation } from './errors.js';
export { isValidId, isValidRoomName } from './rules.js';
