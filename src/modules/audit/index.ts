/** The audit module: its tables, value sets, input schemas and repositories. */

export { type EventLogTable, type EventLogEntry, type NewEventLogEntry, type EventLogPersonalFieldsTable } from './tables.js';
export { newEventSchema, newEventListSchema, personalFieldSchema, positionSchema, type NewEvent, type PersonalField } from './validation.js';
export {
  EventLogRepo,
  type EventPageOptions,
  type StreamOptions,
  type StreamedEvent,
} from './event-log-repo.js';
export { auditModule } from './descriptor.js';
