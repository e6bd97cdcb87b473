import { addDays, hoursLabel, rangeLabel, slotLabel, slotOf, weekDays, weekStart, zoneNow } from '../../web/src/dates';

describe("the web calendar's dates and hours", () => {
  it("tells today and the hour in the service's zone, not the browser's", () => {
    const instant = new Date('2025-03-30T23:30:00Z');
    expect(zoneNow('UTC', instant)).toEqual({ date: '2025-03-30', hour: 23 });
    expect(zoneNow('Asia/Kolkata', instant)).toEqual({ date: '2025-03-31', hour: 5 });
    expect(zoneNow('America/Los_Angeles', instant)).toEqual({ date: '2025-03-30', hour: 16 });
  });

  it('starts weeks on Monday, across months and years', () => {
    expect(weekStart('2025-01-01')).toBe('2024-12-30');
    expect(weekStart('2025-03-30')).toBe('2025-03-24');
    expect(weekStart('2025-03-31')).toBe('2025-03-31');
    expect(weekDays('2024-12-30')).toEqual([
      '2024-12-30',
      '2024-12-31',
      '2025-01-01',
      '2025-01-02',
      '2025-01-03',
      '2025-01-04',
      '2025-01-05',
    ]);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  });

  it('names slots as the API does, and hours for people', () => {
    expect(slotOf('2025-05-06', 9)).toBe('2025-05-06 09:00:00');
    expect(slotLabel('2025-05-06 23:00:00')).toBe('Tue 6 May, 23:00–00:00');
    expect(hoursLabel([15, 9, 10, 11])).toBe('09:00–12:00, 15:00–16:00');
    expect(rangeLabel('2025-05-05', '2025-05-11')).toBe('5 – 11 May 2025');
    expect(rangeLabel('2025-04-28', '2025-05-04')).toBe('28 Apr – 4 May 2025');
    expect(rangeLabel('2025-12-29', '2026-01-04')).toBe('29 Dec 2025 – 4 Jan 2026');
  });
});
