/**
 * The diagnostics channel a feed consumer publishes on after each committed batch, only while it
 * has subscribers (its name and message are the observability module's): schema-kit/otel reads it
 * for the consumer-lag metric.
 */
import { channel } from 'node:diagnostics_channel';
import { CONSUMER_CHANNEL } from '../../observability/channels.js';

/** The `schema-kit:consumer` channel: a `ConsumerLagMessage` after each committed batch. */
export const consumerChannel = channel(CONSUMER_CHANNEL);
