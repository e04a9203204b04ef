import { z } from 'zod';
import { pageOptions, uuid } from '../../validation/common.js';
import { keysetCursor } from '../../repos/cursor.js';

/** Page options of `listForUser` (cursor: opaque, from `next`). */
export const interestPageSchema = pageOptions(keysetCursor);

/** Page options of `listForPackage`: optionally only attended (true) or not attended (false) interests. */
export const packageInterestPageSchema = interestPageSchema.extend({ attended: z.boolean().optional() }).strict();

/** A user id or package id. */
export const interestKeySchema = uuid;
