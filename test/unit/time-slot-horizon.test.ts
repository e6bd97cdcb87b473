import { ValidationFailed } from '../../functions/domain/errors';
import { readTimeSlot, timeSlotMessages } from '../../functions/domain/meetings';
import { expectThrow } from './expect-error';

const now = new Date('2030-06-01T12:30:00Z');
const outside = `time_slot: ${timeSlotMessages.outsideHorizon}`;

describe('the bookable horizon of a time slot', () => {
  it.each([
    ['the first hour of 1970', '1970-01-01 00:00:00', { date: '1970-01-01', hour: 0 }],
    ['the last day ten years from today', '2040-06-01 23:00:00', { date: '2040-06-01', hour: 23 }],
  ])('takes %s', (_, value, slot) => {
    expect(readTimeSlot(value, 'UTC', now)).toEqual(slot);
  });

  it.each([
    ['the last hour before 1970', '1969-12-31 23:00:00'],
    ['the day after ten years from today', '2040-06-02 00:00:00'],
    ['a slot that an offset pushes into year 10000', '9999-12-31T23:00:00-05:00'],
  ])('refuses %s', (_, value) => {
    expectThrow(() => readTimeSlot(value, 'UTC', now), ValidationFailed, outside);
  });

  it('counts ten years from today in the service zone', () => {
    const lateEvening = new Date('2030-06-01T20:00:00Z');
    expect(readTimeSlot('2040-06-02 10:00:00', 'Asia/Kolkata', lateEvening)).toEqual({ date: '2040-06-02', hour: 10 });
  });
});
