/**
 * Field validation with zod (its tree-shakable `zod/mini` form, which keeps Lambda
 * bundles small), answering in the original API's words (Django REST Framework's
 * messages), so clients that show or match them keep working.
 */
import * as z from 'zod/mini';
import { ValidationFailed } from './errors';

export const messages = {
  required: 'This field is required.',
  null: 'This field may not be null.',
  blank: 'This field may not be blank.',
  string: 'Not a valid string.',
  integer: 'A valid integer is required.',
  list: 'Expected a list of items.',
  emptyList: 'This list may not be empty.',
  maxLength: (max: number) => `Ensure this field has no more than ${max} characters.`,
  maxItems: (max: number) => `Ensure this field has no more than ${max} elements.`,
  email: 'Enter a valid email address.',
  controlCharacters: 'This field may not contain control or bidirectional formatting characters.',
} as const;

/**
 * Characters no name or title may hold: C0 and C1 controls, and the bidirectional marks,
 * embeddings, overrides and isolates that make text display in another order than it
 * reads (U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069). A description may hold
 * tabs and line breaks.
 */
const bidiFormatting = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
const lineCharacters = new Set(['\t', '\n', '\r']);
function holdsControlOrBidi(value: string, allowLines: boolean): boolean {
  if (bidiFormatting.test(value)) return true;
  for (const character of value) {
    const code = character.codePointAt(0)!;
    const control = code < 0x20 || (code >= 0x7f && code <= 0x9f);
    if (control && !(allowLines && lineCharacters.has(character))) return true;
  }
  return false;
}

/** The message for a value of the wrong type: missing, null, or something else. */
export function typeMessage(otherwise: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? messages.required : issue.input === null ? messages.null : otherwise);
}

/** A required string; blank is refused unless allowed. */
export function text(options: { max: number; allowBlank?: boolean; trim?: boolean; lines?: boolean }) {
  return z.string({ error: typeMessage(messages.string) }).check(
    ...(options.trim ? [z.trim()] : []),
    z.maxLength(options.max, { error: messages.maxLength(options.max) }),
    ...(options.allowBlank ? [] : [z.minLength(1, { error: messages.blank })]),
    z.refine((value) => !holdsControlOrBidi(value, options.lines ?? false), { error: messages.controlCharacters }),
  );
}

/** An email address, lower-cased. */
export function email() {
  return z.pipe(
    z
      .string({ error: typeMessage(messages.string) })
      .check(z.trim(), z.minLength(1, { error: messages.blank }), z.maxLength(254, { error: messages.maxLength(254) })),
    z.email({ error: messages.email }).check(z.toLowerCase()),
  );
}

/**
 * A check of a list's length that runs on lists only: anything else, a string above all,
 * has a length too, but its one message is that a list was expected.
 */
function listLength<T>(holds: (length: number) => boolean, message: string) {
  return z.refine<T[]>((list) => holds(list.length), { error: message, when: (payload) => Array.isArray(payload.value) });
}

/** At least `min` entries in a list. */
export function minItems<T>(min: number, message: string) {
  return listLength<T>((length) => length >= min, message);
}

/** At most `max` entries in a list. */
export function maxItems<T>(max: number, message: string) {
  return listLength<T>((length) => length <= max, message);
}

/**
 * A list of email strings naming at most `max` people (resolved to users later). Repeats
 * are folded later, so the list itself may hold up to twice as many entries.
 */
export function emailList(max: number) {
  return z
    .array(z.string({ error: messages.string }).check(z.trim(), z.maxLength(254, { error: messages.maxLength(254) })), {
      error: typeMessage(messages.list),
    })
    .check(maxItems(max * 2, messages.maxItems(max)), z.meta({ maxItems: max * 2, description: `Emails of at most ${max} people.` }));
}

/**
 * Parses `input` with `schema`, or throws ValidationFailed listing every field's
 * messages (the first path segment names the field, as the original did).
 */
export function parseFields<T>(schema: z.ZodMiniType<T>, input: unknown): T {
  const result = tryParseFields(schema, input);
  if (result instanceof ValidationFailed) throw result;
  return result.value;
}

/** Like `parseFields`, answering the failure instead of throwing it (for callers that must check other things first). */
export function tryParseFields<T>(schema: z.ZodMiniType<T>, input: unknown): { value: T } | ValidationFailed {
  const result = schema.safeParse(input);
  if (result.success) return { value: result.data };
  const fields: Record<string, string[]> = {};
  const choices: Record<string, string[]> = {};
  for (const issue of result.error.issues) {
    const field = issue.path.length > 0 ? String(issue.path[0]) : 'non_field_errors';
    const list = (fields[field] ??= []);
    if (!list.includes(issue.message)) list.push(issue.message);
    if (issue.code === 'invalid_value' && issue.path.length === 1) choices[field] = issue.values.map(String);
  }
  return new ValidationFailed(fields, Object.keys(choices).length > 0 ? choices : undefined);
}

/** Ids this service makes are ULIDs: 26 characters of Crockford's base 32. Anything else names nothing. */
export const isServiceId = (value: string) => /^[0-9A-HJKMNP-TV-Z]{26}$/i.test(value);
