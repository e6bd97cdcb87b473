// Luxon, an independent implementation of the IANA rules, is the oracle for the
// properties below.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  firstUnbegunSlot,
  formatSlot,
  formatTimestamp,
  hasBegun,
  isTimeZone,
  parseDate,
  parseTimeSlot,
  slotAt,
  slotOf,
  today,
} from '../../functions/domain/time';

const zones = [
  'UTC',
  'Asia/Kolkata',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'America/St_Johns',
];
const zone = fc.constantFrom(...zones);
// Instants on whole minutes between 2000 and 2100.
const instant = fc
  .integer({ min: 946_684_800, max: 4_102_444_800 })
  .map((seconds) => DateTime.fromSeconds(seconds - (seconds % 60), { zone: 'UTC' }));

describe('parseDate', () => {
  it('accepts real calendar dates only', () => {
    expect(parseDate('2028-02-29')).toBe('2028-02-29');
    expect(parseDate('2027-02-29')).toBeUndefined();
    expect(parseDate('2027-1-01')).toBeUndefined();
    expect(parseDate('2027-01-01T00:00')).toBeUndefined();
  });

  it('refuses a date with anything before it', () => {
    expect(parseDate('x2028-02-29')).toBeUndefined();
  });
});

describe('isTimeZone', () => {
  it.each(['UTC', 'Asia/Kolkata', 'America/St_Johns'])('knows the IANA zone %s', (zone) => {
    expect(isTimeZone(zone)).toBe(true);
  });

  it.each(['Mars/Olympus_Mons', '', '+25:00'])('does not know %j', (zone) => {
    expect(isTimeZone(zone)).toBe(false);
  });
});

describe('parseTimeSlot', () => {
  it('reads any instant with any offset as the same wall-clock time of the service zone', () => {
    fc.assert(
      fc.property(instant, zone, fc.integer({ min: -14 * 4, max: 14 * 4 }), (moment, serviceZone, quarterHours) => {
        const written = moment.setZone(
          `UTC${quarterHours >= 0 ? '+' : '-'}${Math.floor(Math.abs(quarterHours) / 4)}:${String((Math.abs(quarterHours) % 4) * 15).padStart(2, '0')}`,
        );
        const parsed = parseTimeSlot(written.toISO({ suppressMilliseconds: true })!, serviceZone);
        const local = moment.setZone(serviceZone);
        if (local.minute === 0) {
          expect(parsed).toEqual({ ok: true, wholeHour: true, slot: { date: local.toFormat('yyyy-MM-dd'), hour: local.hour } });
        } else {
          expect(parsed).toEqual({ ok: true, wholeHour: false });
        }
      }),
    );
  });

  it('reads a naive whole hour that exists in the zone as itself', () => {
    fc.assert(
      fc.property(instant, zone, fc.boolean(), (moment, serviceZone, withT) => {
        const local = moment.setZone(serviceZone).startOf('hour');
        const written = local.toFormat(withT ? "yyyy-MM-dd'T'HH:mm:ss" : 'yyyy-MM-dd HH:mm:ss');
        const parsed = parseTimeSlot(written, serviceZone);
        expect(parsed).toEqual({ ok: true, wholeHour: true, slot: { date: local.toFormat('yyyy-MM-dd'), hour: local.hour } });
        if (parsed.ok && parsed.wholeHour) expect(formatSlot(parsed.slot)).toBe(local.toFormat('yyyy-MM-dd HH:00:00'));
      }),
    );
  });

  it('refuses the wall-clock hour skipped by a spring-forward transition', () => {
    expect(parseTimeSlot('2031-03-09 02:00:00', 'America/New_York')).toEqual({ ok: false, reason: 'nonexistent' });
    expect(parseTimeSlot('2031-03-30 01:00:00', 'Europe/London')).toEqual({ ok: false, reason: 'nonexistent' });
    expect(parseTimeSlot('2031-03-09 03:00:00', 'America/New_York')).toMatchObject({ ok: true, wholeHour: true });
  });

  it('maps both instants of a repeated fall-back hour to one slot', () => {
    const first = parseTimeSlot('2031-11-02T01:00:00-04:00', 'America/New_York');
    const second = parseTimeSlot('2031-11-02T01:00:00-05:00', 'America/New_York');
    expect(first).toEqual(second);
    expect(first).toEqual({ ok: true, wholeHour: true, slot: { date: '2031-11-02', hour: 1 } });
  });

  it('finds half-hour zones off the hour for UTC instants on the hour', () => {
    expect(parseTimeSlot('2031-01-01T10:00:00Z', 'Asia/Kolkata')).toEqual({ ok: true, wholeHour: false });
    expect(parseTimeSlot('2031-01-01T04:30:00Z', 'Asia/Kolkata')).toEqual({
      ok: true,
      wholeHour: true,
      slot: { date: '2031-01-01', hour: 10 },
    });
  });

  it.each([
    '',
    'soon',
    '2031-01-01',
    '2031-13-01 10:00:00',
    '2031-02-30 10:00:00',
    '2031-01-01 24:00:00',
    '2031-01-01 10:60:00',
    '2031-01-01T10:00:00+25:00',
  ])('refuses the unreadable %j', (value) => {
    expect(parseTimeSlot(value, 'UTC')).toEqual({ ok: false, reason: 'format' });
  });

  it.each([
    ['anything before it', 'x2031-01-01 10:00:00'],
    ['anything after it', '2031-01-01 10:00:00 now'],
    ['second 60', '2031-01-01 10:00:60'],
    ['an offset of a whole day', '2031-01-01T10:00:00+24:00'],
    ['an offset of 60 minutes', '2031-01-01T10:00:00+05:60'],
  ])('refuses a slot with %s', (_, value) => {
    expect(parseTimeSlot(value, 'UTC')).toEqual({ ok: false, reason: 'format' });
  });

  it.each([
    ['padded', ' 2031-01-01 10:00:00 ', 10],
    ['without seconds', '2031-01-01 10:00', 10],
    ['with an hours-only offset', '2031-01-01T11:00:00+01', 10],
    ['with an offset without a colon', '2031-01-01T15:30:00+0530', 10],
    ['with an offset of 59 minutes', '2031-01-01T10:59:00+00:59', 10],
    ['with an offset just under a day', '2031-01-02T09:59:00+23:59', 10],
    ['with a lower-case z after a space', '2031-01-01T10:00:00 z', 10],
  ])('reads a slot %s', (_, value, hour) => {
    expect(parseTimeSlot(value, 'UTC')).toEqual({ ok: true, wholeHour: true, slot: { date: '2031-01-01', hour } });
  });

  it('finds second 59 off the hour', () => {
    expect(parseTimeSlot('2031-01-01 10:00:59', 'UTC')).toEqual({ ok: true, wholeHour: false });
  });

  it('refuses the wall-clock hour that a 30-minute transition moves', () => {
    expect(parseTimeSlot('2031-10-05 02:00:00', 'Australia/Lord_Howe')).toEqual({ ok: false, reason: 'nonexistent' });
  });

  it('refuses a wall-clock time on a date the zone skipped entirely', () => {
    expect(parseTimeSlot('2011-12-30 10:00:00', 'Pacific/Apia')).toEqual({ ok: false, reason: 'nonexistent' });
  });

  it('finds seconds and fractions off the hour', () => {
    expect(parseTimeSlot('2031-01-01 10:00:01', 'UTC')).toEqual({ ok: true, wholeHour: false });
    expect(parseTimeSlot('2031-01-01T10:00:00.5Z', 'UTC')).toEqual({ ok: true, wholeHour: false });
    expect(parseTimeSlot('2031-01-01T10:00:00.000Z', 'UTC')).toMatchObject({ ok: true, wholeHour: true });
  });
});

describe('slots and the clock', () => {
  it('formats and reads back every slot', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50_000 }), fc.integer({ min: 0, max: 23 }), (days, hour) => {
        const date = DateTime.fromISO('2000-01-01', { zone: 'UTC' }).plus({ days }).toFormat('yyyy-MM-dd');
        expect(slotOf(formatSlot({ date, hour }))).toEqual({ date, hour });
      }),
    );
  });

  it('knows today in the service zone', () => {
    const now = new Date('2031-01-01T20:00:00Z');
    expect(today('UTC', now)).toBe('2031-01-01');
    expect(today('Asia/Kolkata', now)).toBe('2031-01-02');
    expect(today('America/New_York', now)).toBe('2031-01-01');
  });

  it('counts a slot as begun from its first instant', () => {
    const slot = { date: '2031-01-01', hour: 10 };
    expect(hasBegun(slot, 'UTC', new Date('2031-01-01T09:59:59Z'))).toBe(false);
    expect(hasBegun(slot, 'UTC', new Date('2031-01-01T10:00:00Z'))).toBe(true);
    expect(hasBegun(slot, 'Asia/Kolkata', new Date('2031-01-01T04:29:59Z'))).toBe(false);
    expect(hasBegun(slot, 'Asia/Kolkata', new Date('2031-01-01T04:30:00Z'))).toBe(true);
  });
});

describe('the first slot that has not begun', () => {
  it.each([
    [
      'exactly on the hour, the next hour (the current one has begun, as booking sees it)',
      '2031-01-01T12:00:00.000Z',
      'UTC',
      { date: '2031-01-01', hour: 13 },
    ],
    ['a millisecond before the hour, that hour', '2031-01-01T11:59:59.999Z', 'UTC', { date: '2031-01-01', hour: 12 }],
    ['a millisecond into the hour, the next hour', '2031-01-01T12:00:00.001Z', 'UTC', { date: '2031-01-01', hour: 13 }],
    ['a second into the hour, the next hour', '2031-01-01T12:00:01.000Z', 'UTC', { date: '2031-01-01', hour: 13 }],
    ['a quarter into the hour, the next hour', '2031-01-01T12:15:00.000Z', 'UTC', { date: '2031-01-01', hour: 13 }],
    ["in the last hour of a day, the next day's first", '2031-01-01T23:59:59.999Z', 'UTC', { date: '2031-01-02', hour: 0 }],
    ["on the zone's wall clock", '2031-01-01T04:15:00.000Z', 'Asia/Kolkata', { date: '2031-01-01', hour: 10 }],
    [
      'before a 30-minute spring-forward, the hour that starts at the shift',
      '2031-10-04T15:15:00.000Z',
      'Australia/Lord_Howe',
      { date: '2031-10-05', hour: 2 },
    ],
  ])('is, %s', (_, at, zone, slot) => {
    expect(firstUnbegunSlot(zone, new Date(at))).toEqual(slot);
  });

  it('is what a search from now itself finds, in zones with shifts of an hour, half an hour and odd offsets', () => {
    // The plain search, a quarter-hour at a time from `now`, as the definition reads.
    const searched = (zone: string, now: Date) => {
      for (let ahead = 0; ; ahead++) {
        const slot = slotAt(now.getTime() + ahead * 900_000, zone);
        if (!hasBegun(slot, zone, now)) return slot;
      }
    };
    const shifting = [
      'UTC',
      'Europe/Berlin',
      'America/New_York',
      'Australia/Lord_Howe',
      'Asia/Kolkata',
      'Asia/Kathmandu',
      'Pacific/Chatham',
      'America/St_Johns',
    ];
    // Instants from 2026 to 2036, and the minutes around each zone's shifts in particular.
    const instant = fc.oneof(
      fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2036, 0, 1) }),
      fc.constantFrom(
        Date.UTC(2031, 2, 30, 0, 30),
        Date.UTC(2031, 9, 26, 0, 50),
        Date.UTC(2031, 9, 4, 15, 40),
        Date.UTC(2031, 3, 5, 14, 45),
      ),
    );
    fc.assert(
      fc.property(fc.constantFrom(...shifting), instant, fc.integer({ min: -7_200_000, max: 7_200_000 }), (zone, at, shift) => {
        const now = new Date(at + shift);
        expect(firstUnbegunSlot(zone, now)).toEqual(searched(zone, now));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('formatTimestamp', () => {
  it('writes an ISO instant as YYYY-MM-DD HH:MM:SS in UTC, without fractions', () => {
    expect(formatTimestamp('2031-01-01T05:06:07.890+02:00')).toBe('2031-01-01 03:06:07');
  });
});
