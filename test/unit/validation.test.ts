import { ValidationFailed } from '../../functions/domain/errors';
import { parseLogin, parseSignUp, passwordProblems } from '../../functions/domain/users';

function fieldsOf(run: () => unknown): Record<string, readonly string[]> {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationFailed) return error.fields;
    throw error;
  }
  throw new Error('expected ValidationFailed');
}

describe('sign-up validation', () => {
  it('lower-cases the email and drops unknown fields', () => {
    expect(parseSignUp({ username: 'Ann', email: 'Ann@Example.COM', password: 'long enough pw', admin: true })).toEqual({
      username: 'Ann',
      email: 'ann@example.com',
      password: 'long enough pw',
    });
  });

  it('names every field that is wrong, once per message', () => {
    expect(fieldsOf(() => parseSignUp({ username: 'a b', email: 'nope', password: null }))).toEqual({
      username: ['Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.'],
      email: ['Enter a valid email address.'],
      password: ['This field may not be null.'],
    });
  });

  it('accepts usernames of letters of any script, digits and @.+-_', () => {
    expect(parseSignUp({ username: 'José.o+k-@_1', email: 'j@example.com', password: 'long enough pw' }).username).toBe('José.o+k-@_1');
  });

  it('refuses a password that breaks the policy, naming every problem', () => {
    expect(fieldsOf(() => parseSignUp({ username: 'ann', email: 'ann@example.com', password: '1234' }))).toEqual({
      password: ['This password is too short. It must contain at least 8 characters.', 'This password is entirely numeric.'],
    });
  });

  it('does not parse a body that is not an object', () => {
    expect(Object.keys(fieldsOf(() => parseLogin(null)))).toEqual(['non_field_errors']);
  });
});

describe('password policy', () => {
  const user = { username: 'ann', email: 'ann@example.com' };

  it('accepts a long, mixed password', () => {
    expect(passwordProblems('correct horse battery', user)).toEqual([]);
  });

  it.each([
    ['short', ['This password is too short. It must contain at least 8 characters.']],
    ['12345678', ['This password is entirely numeric.']],
    ['ANN', ['This password is too short. It must contain at least 8 characters.', 'The password is too similar to the username.']],
    ['Ann@Example.com', ['The password is too similar to the email address.']],
  ])('refuses %j', (password, problems) => {
    expect(passwordProblems(password, user)).toEqual(problems);
  });

  it('accepts exactly 72 bytes', () => {
    expect(passwordProblems('x'.repeat(72), user)).toEqual([]);
  });

  it.each(['1234567a', 'a1234567'])('does not call %j entirely numeric', (password) => {
    expect(passwordProblems(password, user)).toEqual([]);
  });

  it("refuses the email's local part, in any case", () => {
    expect(passwordProblems('AnnaBelle', { username: 'someone', email: 'annabelle@example.com' })).toEqual([
      'The password is too similar to the email address.',
    ]);
  });

  it("refuses the email's local part when the email is stored in capitals", () => {
    expect(passwordProblems('annabelle', { username: 'someone', email: 'AnnaBelle@Example.com' })).toEqual([
      'The password is too similar to the email address.',
    ]);
  });

  it('refuses over 72 bytes even under 72 characters', () => {
    const password = 'é'.repeat(40); // 40 characters, 80 bytes
    expect(passwordProblems(password, user)).toEqual(['This password is too long. It must contain at most 72 bytes.']);
  });
});
