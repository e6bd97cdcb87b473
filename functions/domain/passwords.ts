/**
 * Password hashing with bcrypt (bcryptjs: pure JavaScript, no native build).
 */
import bcrypt from 'bcryptjs';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Compares against `hash`, or against a decoy of equal cost when there is no user. */
  verify(password: string, hash: string | undefined): Promise<boolean>;
}

export function bcryptHasher(rounds: number): PasswordHasher {
  // A real hash of a random password at the same cost, so that an unknown username
  // costs the same bcrypt work as a wrong password and timing reveals nothing.
  let decoy: Promise<string> | undefined;
  return {
    hash: (password) => bcrypt.hash(password, rounds),
    async verify(password, hash) {
      if (hash !== undefined) return bcrypt.compare(password, hash);
      // Stryker disable next-line StringLiteral: equivalent: any decoy password works, verify answers false either way
      decoy ??= bcrypt.hash(`decoy-${Math.random()}`, rounds);
      await bcrypt.compare(password, await decoy);
      return false;
    },
  };
}
