/** Edges of field validation: a string where a list is expected, whatever its length. */
import * as z from 'zod/mini';
import { blockSlots } from '../../functions/domain/availability';
import { ValidationFailed } from '../../functions/domain/errors';
import { MAX_PARTICIPANTS, meetingFields } from '../../functions/domain/meetings';
import type { AvailabilityStore, DayState } from '../../functions/domain/ports';
import { emailList, tryParseFields } from '../../functions/domain/validation';

const now = new Date('2030-06-01T20:00:00Z');
const ann = { id: 'id-ann', username: 'ann', email: 'ann@example.com' };
const listMessage = 'Expected a list of items.';

/** Days with nothing defined; what is blocked is only recorded. */
class EmptyAvailability implements AvailabilityStore {
  readonly blocked: { date: string; hours: readonly number[] }[] = [];
  async getDay(): Promise<DayState> {
    return { slots: [] };
  }
  async blockHours(_owner: unknown, date: string, hours: readonly number[]) {
    this.blocked.push({ date, hours });
  }
}

/** The per-field messages of a refused parse (fails the test if it was accepted). */
function fieldsOf(schema: z.ZodMiniType, input: unknown): ValidationFailed['fields'] {
  const result = tryParseFields(schema, input);
  if (!(result instanceof ValidationFailed)) throw new Error(`expected a refusal, got ${JSON.stringify(result)}`);
  return result.fields;
}

async function blockFieldsOf(body: unknown): Promise<ValidationFailed['fields']> {
  const settled = await blockSlots(body, { availability: new EmptyAvailability(), caller: ann, zone: 'UTC', now }).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(settled).toBeInstanceOf(ValidationFailed);
  return (settled as ValidationFailed).fields;
}

describe('a string where a list is expected', () => {
  const participants = z.object({ participants: meetingFields.participants });

  it.each([
    ['shorter than the limit', 'a@x'],
    ['empty', ''],
    ['as long as the limit', 'x'.repeat(MAX_PARTICIPANTS * 2)],
    ['longer than the limit', 'x'.repeat(MAX_PARTICIPANTS * 2 + 1)],
    ['far longer than the limit', 'x'.repeat(10_000)],
  ])('as participants, %s, answers only that a list is expected', (_, value) => {
    expect(fieldsOf(participants, { participants: value })).toEqual({ participants: [listMessage] });
  });

  it('still answers the length message for a list longer than the limit', () => {
    expect(fieldsOf(z.object({ people: emailList(2) }), { people: ['a', 'b', 'c', 'd', 'e'] })).toEqual({
      people: ['Ensure this field has no more than 2 elements.'],
    });
  });

  it.each([
    ['shorter than the limit', '1,2'],
    ['empty', ''],
    ['longer than the limit', '1'.repeat(97)],
  ])('as blocked_slots, %s, answers only that a list is expected', async (_, value) => {
    expect(await blockFieldsOf({ date: '2030-06-02', blocked_slots: value })).toEqual({ blocked_slots: [listMessage] });
  });

  it('still answers the length message for blocked_slots longer than 96 hours', async () => {
    expect(await blockFieldsOf({ date: '2030-06-02', blocked_slots: Array.from({ length: 97 }, () => 1) })).toEqual({
      blocked_slots: ['Ensure this field has no more than 96 elements.'],
    });
  });

  it('still answers that an empty blocked_slots list is empty', async () => {
    expect(await blockFieldsOf({ date: '2030-06-02', blocked_slots: [] })).toEqual({ blocked_slots: ['This list may not be empty.'] });
  });
});
