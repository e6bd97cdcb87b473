import {
  BusinessRuleViolation,
  HourAlreadyBooked,
  NotAuthenticated,
  SlotConflict,
  TemporarilyUnavailable,
  Throttled,
  ValidationFailed,
} from '../../functions/domain/errors';

describe('domain errors', () => {
  it("sum up every field's messages in their message", () => {
    expect(new ValidationFailed({ title: ['Too long.', 'Blank.'], status: ['Unknown.'] }).message).toBe(
      'title: Too long. Blank.; status: Unknown.',
    );
  });

  it('build a one-field ValidationFailed', () => {
    expect(ValidationFailed.field('user', 'Unknown.').fields).toEqual({ user: ['Unknown.'] });
  });

  it('say when a throttled caller may retry', () => {
    const error = new Throttled(42);
    expect([error.message, error.retryAfterSeconds]).toEqual(['Request was throttled. Expected available in 42 seconds.', 42]);
  });

  it('name the booked hour that blocking ran into', () => {
    expect(new HourAlreadyBooked(9).message).toBe('There is already an event booked at time slot : 9');
  });

  it("are business rule violations where the contract answers with the rule's message", () => {
    expect([new HourAlreadyBooked(9), new SlotConflict('a@x.com')].every((error) => error instanceof BusinessRuleViolation)).toBe(true);
  });

  it('carry their own class name, for the logs', () => {
    expect([new NotAuthenticated().name, new TemporarilyUnavailable().name, new SlotConflict('a@x.com').name]).toEqual([
      'NotAuthenticated',
      'TemporarilyUnavailable',
      'SlotConflict',
    ]);
  });
});
