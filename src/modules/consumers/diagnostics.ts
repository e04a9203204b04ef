/**
 * What a feed consumer publishes after each committed batch on the diagnostics channel
 * `schema-kit:consumer` (node:diagnostics_channel), only while the channel has subscribers:
 * schema-kit/otel reads it for the consumer-lag metric.
 */
import { channel } from 'node:diagnostics_channel';
import type { ConsumerMode } from './values.js';

/** The message on the `schema-kit:consumer` diagnostics channel after a committed batch. */
export interface ConsumerBatchMessage {
  /** The consumer's name. */
  readonly name: string;
  /** Its position after the batch. */
  readonly position: string;
  /** The events the batch handed to the handler (after the filter). */
  readonly handled: number;
  /** Events in the feed after the position. */
  readonly eventsBehind: number;
  /** Age of the oldest event after the position, in seconds (0 when caught up). */
  readonly secondsBehind: number;
  /** How the consumer wakes up. */
  readonly mode: ConsumerMode;
}

/** The channel's name. */
export const CONSUMER_CHANNEL = 'schema-kit:consumer';

/** The diagnostics channel a feed consumer publishes on. */
export const consumerChannel = channel(CONSUMER_CHANNEL);
