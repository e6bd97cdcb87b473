/**
 * Edges of field validation: a string where a list is expected, whatever its length, and
 * dates of the years 0000-0099, which `Date.UTC` and the `Date` and `TZDate` constructors
 * read as 1900-1999.
 */
import { TZDate } from '@date-fns/tz';
import * as z from 'zod/mini';
import { blockSlots, dateMessages, getAvailability } from '../../functions/domain/availability';
import { BusinessRuleViolation, ValidationFailed } from '../../functions/domain/errors';
import { MAX_PARTICIPANTS, meetingFields, readTimeSlot, timeSlotMessages } from '../../functions/domain/meetings';
import type { AvailabilityStore, DayState } from '../../functions/domain/ports';
import { parseDate, parseTimeSlot, slotStart } from '../../functions/domain/time';
import { emailList, tryParseFields } from '../../functions/domain/validation';
import { expectRejection, expectThrow } from './expect-error';
import { MemoryUsers } from './fakes';

const now = new Date('2030-06-01T20:00:00Z');
const ann = { id: 'id-ann', username: 'ann', email: 'ann@example.com' };
const listMessage = 'Expected a list of items.';

/** Days with nothing defined; what is blocked is only recorded. */
class EmptyAvailability implements AvailabilityStore {
  readonly blocked: { date: string; hours: readonly number[] }[] = [];
  async getDay(): Promise<DayState> {
    return { slots: [] };
  }
  async getDays(): Promise<Map<string, DayState>> {
    return new Map();
  }
  async blockHours(_owner: unknown, date: string, hours: readonly number[]) {
    this.blocked.push({ date, hours });
  }
  async setBlocks(_owner: unknown, date: string, _before: unknown, hours: readonly number[]) {
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

describe('dates of the years 0000-0099', () => {
  it.each(['0050-01-01', '0000-01-01', '0099-12-31', '0000-02-29', '0096-02-29'])('reads %s as that date', (value) => {
    expect(parseDate(value)).toBe(value);
  });

  it.each(['0099-02-29', '0001-02-29', '0050-04-31', '0050-13-01', '0050-00-10', '0050-01-00'])('refuses %s, no such date', (value) => {
    expect(parseDate(value)).toBeUndefined();
  });

  it('shows the availability of such a date like that of any past date', async () => {
    const day = await getAvailability(
      { date: '0050-01-01' },
      { availability: new EmptyAvailability(), users: new MemoryUsers(), caller: ann },
    );
    expect(day).toMatchObject({
      date: '0050-01-01',
      blocked_slots: [],
      available_time_slots: Array.from({ length: 24 }, (_, hour) => hour),
    });
  });

  it('refuses to block hours of such a date as a past date, not as a wrong format', async () => {
    const availability = new EmptyAvailability();
    await expectRejection(
      blockSlots({ date: '0050-01-01', blocked_slots: [10] }, { availability, caller: ann, zone: 'UTC', now }),
      BusinessRuleViolation,
      "Slots can't be defined for past date",
    );
    expect(availability.blocked).toEqual([]);
  });

  it('still calls a date that does not exist a wrong format', async () => {
    expect(await blockFieldsOf({ date: '0099-02-29', blocked_slots: [10] })).toEqual({ date: [dateMessages.format] });
  });

  it.each([
    ['a wall-clock time', '0050-01-01 10:00:00', 'UTC', { date: '0050-01-01', hour: 10 }],
    ['a wall-clock time in a zone with daylight saving time', '0050-07-01 10:00:00', 'America/New_York', { date: '0050-07-01', hour: 10 }],
    ['a time in UTC', '0050-01-01T10:00:00Z', 'UTC', { date: '0050-01-01', hour: 10 }],
    ['a time with an offset that moves it to the day before', '0050-01-01T00:00:00+01:00', 'UTC', { date: '0049-12-31', hour: 23 }],
  ])('reads %s of such a date in that year', (_, value, zone, slot) => {
    expect(parseTimeSlot(value, zone)).toEqual({ ok: true, wholeHour: true, slot });
  });

  it.each(['America/New_York', 'Europe/Paris', 'Asia/Kolkata', 'Australia/Lord_Howe'])(
    'reads a time of such a date in %s as it reads the same time of 1850, before standard time',
    (zone) => {
      for (const time of ['07-01 10:00:00', '07-01T10:00:00+02:00', '01-01T00:00:00Z']) {
        const early = parseTimeSlot(`1850-${time}`, zone);
        const expected =
          early.ok && early.wholeHour ? { ...early, slot: { ...early.slot, date: `0050${early.slot.date.slice(4)}` } } : early;
        expect(parseTimeSlot(`0050-${time}`, zone)).toEqual(expected);
      }
    },
  );

  it.each([
    ['0050-01-01 10:00:00', 'UTC'],
    ['0050-07-01 10:00:00', 'America/New_York'],
    ['0050-01-01T10:00:00+02:00', 'UTC'],
    ['0000-01-01T00:00:00+01:00', 'UTC'],
  ])('refuses the time slot %s as outside the bookable horizon (zone %s)', (value, zone) => {
    expectThrow(() => readTimeSlot(value, zone, now), ValidationFailed, `time_slot: ${timeSlotMessages.outsideHorizon}`);
  });

  it.each(['UTC', 'America/New_York', 'Asia/Kolkata'])('begins a slot of such a date at that hour of that date (zone %s)', (zone) => {
    const begins = new TZDate(slotStart({ date: '0050-01-01', hour: 10 }, zone), zone);
    expect([begins.getFullYear(), begins.getMonth() + 1, begins.getDate(), begins.getHours(), begins.getMinutes()]).toEqual([
      50, 1, 1, 10, 0,
    ]);
  });
});
