/**
 * Users: what a valid sign-up and login look like, and the password policy.
 */
import * as z from 'zod/mini';
import { ValidationFailed } from './errors';
import { email, parseFields, text } from './validation';

/** A user as the API shows it. */
export interface PublicUser {
  id: string;
  username: string;
  email: string;
}

/** A user as stored. */
export interface UserRecord extends PublicUser {
  passwordHash: string;
  created: string;
}

export const USERNAME_MAX = 150;
export const PASSWORD_MIN = 8;
/** bcrypt reads at most 72 bytes; a longer password would be silently cut. */
export const PASSWORD_MAX_BYTES = 72;

// `*`: an empty name is reported as blank only, as the original did.
const usernamePattern = /^[\p{L}\p{N}_.@+-]*$/u;

// NFKC first: a full-width or otherwise compatible form is the same name.
const username = text({ max: USERNAME_MAX, trim: true }).check(
  z.normalize('NFKC'),
  z.regex(usernamePattern, {
    error: 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.',
  }),
);

const password = text({ max: 4096 });

export const signUpSchema = z.object({ username, email: email(), password });
// A username longer than any that can exist is refused before it reaches a key.
export const loginSchema = z.object({ username: text({ max: USERNAME_MAX }).check(z.normalize('NFKC')), password });

export type SignUpInput = z.infer<typeof signUpSchema>;
export type LoginInput = z.infer<typeof loginSchema>;

/** Reasons a password is refused, in the original's words; empty when it is fine. */
export function passwordProblems(candidate: string, user: { username: string; email: string }): string[] {
  const problems: string[] = [];
  if ([...candidate].length < PASSWORD_MIN) {
    problems.push(`This password is too short. It must contain at least ${PASSWORD_MIN} characters.`);
  }
  if (Buffer.byteLength(candidate, 'utf8') > PASSWORD_MAX_BYTES) {
    problems.push(`This password is too long. It must contain at most ${PASSWORD_MAX_BYTES} bytes.`);
  }
  if (/^\d+$/.test(candidate)) {
    problems.push('This password is entirely numeric.');
  }
  const lower = candidate.toLowerCase();
  if (lower === user.username.toLowerCase()) {
    problems.push('The password is too similar to the username.');
  } else if (lower === user.email.toLowerCase() || lower === user.email.toLowerCase().split('@')[0]) {
    problems.push('The password is too similar to the email address.');
  }
  return problems;
}

/** A valid sign-up request, or ValidationFailed naming every bad field. */
export function parseSignUp(body: unknown): SignUpInput {
  const input = parseFields(signUpSchema, body);
  const problems = passwordProblems(input.password, input);
  if (problems.length > 0) throw new ValidationFailed({ password: problems });
  return input;
}

/** A well-formed login request (whether it matches a user is decided later). */
export function parseLogin(body: unknown): LoginInput {
  return parseFields(loginSchema, body);
}

export function publicUser(user: PublicUser): PublicUser {
  return { id: user.id, username: user.username, email: user.email };
}
