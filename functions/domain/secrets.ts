/**
 * Secrets handed to clients (API tokens, session ids, CSRF tokens). Only their SHA-256
 * hashes are stored. A session also carries the API token sealed with a key derived
 * from the session id, so a session can show its token while the table alone reveals
 * nothing usable.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes as 64 hex characters. */
export function newSecret(): string {
  return randomBytes(32).toString('hex');
}

export function sha256(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares two strings in time independent of where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

function sealingKey(sessionId: string): Buffer {
  return createHash('sha256').update(`calendar-session-seal:${sessionId}`, 'utf8').digest();
}

/** Encrypts `plain` (AES-256-GCM) under a key only the session id's holder can derive. */
export function seal(plain: string, sessionId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(sessionId), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url')).join('.');
}

/** The sealed value, or undefined when it was not sealed for this session id. */
export function unseal(sealed: string, sessionId: string): string | undefined {
  const [iv, tag, body] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
  if (!iv || !tag || !body) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(sessionId), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
