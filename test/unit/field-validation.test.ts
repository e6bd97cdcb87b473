import * as z from 'zod/mini';
import { ValidationFailed } from '../../functions/domain/errors';
import { email, emailList, parseFields, text, tryParseFields } from '../../functions/domain/validation';

/** The per-field messages of parsing `input` with `schema`, or the parsed value. */
function outcome(schema: z.ZodMiniType, input: unknown) {
  const result = tryParseFields(schema, input);
  return result instanceof ValidationFailed ? { fields: result.fields } : result;
}

describe('text fields', () => {
  const schema = z.object({ name: text({ max: 5 }) });

  it.each([
    [{}, 'This field is required.'],
    [{ name: null }, 'This field may not be null.'],
    [{ name: 5 }, 'Not a valid string.'],
    [{ name: '' }, 'This field may not be blank.'],
    [{ name: 'sixsix' }, 'Ensure this field has no more than 5 characters.'],
  ])('refuses %j', (input, message) => {
    expect(outcome(schema, input)).toEqual({ fields: { name: [message] } });
  });

  it('accepts exactly the maximum, untrimmed unless asked', () => {
    expect(outcome(schema, { name: ' abc ' })).toEqual({ value: { name: ' abc ' } });
  });

  it('trims when asked, and then calls spaces blank', () => {
    expect(outcome(z.object({ name: text({ max: 5, trim: true }) }), { name: '   ' })).toEqual({
      fields: { name: ['This field may not be blank.'] },
    });
  });

  it('allows blank when asked', () => {
    expect(outcome(z.object({ name: text({ max: 5, allowBlank: true }) }), { name: '' })).toEqual({ value: { name: '' } });
  });
});

describe('email fields', () => {
  const schema = z.object({ email: email() });

  it('trims and lower-cases the address', () => {
    expect(outcome(schema, { email: ' Ann@Example.COM ' })).toEqual({ value: { email: 'ann@example.com' } });
  });

  it.each([
    [{}, 'This field is required.'],
    [{ email: null }, 'This field may not be null.'],
    [{ email: 5 }, 'Not a valid string.'],
    [{ email: '  ' }, 'This field may not be blank.'],
    [{ email: `${'a'.repeat(243)}@example.com` }, 'Ensure this field has no more than 254 characters.'],
    [{ email: 'not an address' }, 'Enter a valid email address.'],
  ])('refuses %j', (input, message) => {
    expect(outcome(schema, input)).toEqual({ fields: { email: [message] } });
  });
});

describe('email lists', () => {
  const schema = z.object({ people: emailList(2) });

  it('trims each entry and keeps repeats for later folding', () => {
    expect(outcome(schema, { people: [' a@x.io ', 'a@x.io', 'b@x.io', 'c@x.io'] })).toEqual({
      value: { people: ['a@x.io', 'a@x.io', 'b@x.io', 'c@x.io'] },
    });
  });

  it.each([
    [{}, 'This field is required.'],
    [{ people: null }, 'This field may not be null.'],
    [{ people: 'a@x' }, 'Expected a list of items.'],
    [{ people: [5] }, 'Not a valid string.'],
    [{ people: [`${'a'.repeat(255)}`] }, 'Ensure this field has no more than 254 characters.'],
    [{ people: ['a', 'b', 'c', 'd', 'e'] }, 'Ensure this field has no more than 2 elements.'],
  ])('refuses %j', (input, message) => {
    expect(outcome(schema, input)).toEqual({ fields: { people: [message] } });
  });
});

describe('parsing fields', () => {
  it('answers the parsed value', () => {
    expect(parseFields(z.object({ name: text({ max: 5 }) }), { name: 'ann', extra: 1 })).toEqual({ name: 'ann' });
  });

  it('throws ValidationFailed naming each field', () => {
    let thrown: unknown;
    try {
      parseFields(z.object({ a: text({ max: 5 }), b: text({ max: 5 }) }), { b: '' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationFailed);
    expect((thrown as ValidationFailed).fields).toEqual({ a: ['This field is required.'], b: ['This field may not be blank.'] });
  });

  it('files problems without a field under non_field_errors', () => {
    expect(outcome(z.object({ a: text({ max: 5 }) }), 'text')).toEqual({ fields: { non_field_errors: [expect.any(String)] } });
  });
});
