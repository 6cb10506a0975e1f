import { z } from 'zod';

/** A model or variant name: lower-case letters, digits, dot, dash, underscore; at most 64 characters. */
export const VARIANT_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export const variantNameSchema = z.string().regex(VARIANT_NAME);
