import { z } from 'zod';
import { pageOptions, uuid, uuidCursor } from '../../validation/common.js';

/** Page options of `listForUser` (cursor: an interest id). */
export const interestPageSchema = pageOptions(uuidCursor);

/** Page options of `listForPackage`: optionally only attended (true) or not attended (false) interests. */
export const packageInterestPageSchema = interestPageSchema.extend({ attended: z.boolean().optional() }).strict();

/** A user id or package id. */
export const interestKeySchema = uuid;
