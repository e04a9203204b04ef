/** The consumers module: durable feed consumers over the audit log's global feed, and their checkpoints. */

export { type ConsumerCheckpointsTable, type ConsumerCheckpoint } from './tables.js';
export { CONSUMER_MODES, type ConsumerMode } from './values.js';
export { consumerNameSchema } from './validation.js';
export { FeedConsumer, type FeedConsumerOptions, type FeedConsumerRunOptions, type FeedHandler } from './feed-consumer.js';
export { FeedConsumerRepo, type ConsumerStatus } from './feed-consumer-repo.js';
export { type ListenPool } from './wakeup.js';
export { consumersModule } from './descriptor.js';
