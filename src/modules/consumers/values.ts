/** Value sets of the `consumers` module. */

/** How a feed consumer wakes up for new events: LISTEN/NOTIFY, or polling. */
export const CONSUMER_MODES = ['listen', 'poll'] as const;

/** One of {@link CONSUMER_MODES}. */
export type ConsumerMode = (typeof CONSUMER_MODES)[number];
