/**
 * The listing's opaque cursor: a direction and the index entry it starts from, sealed
 * with AES-256-GCM under the deployment's cursor key, so that a body never shows key
 * formats or ids and a cursor cannot be forged or altered. Any key of the keyring opens
 * (a rotation keeps the previous key listed for a while); the first seals. Once opened, a
 * cursor is accepted only if it names exactly an index entry of the listing it is used
 * with: anything else is refused before it reaches DynamoDB.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { NotFound } from '../domain/errors';
import { isMeetingPartition } from './items/meeting';

export interface CursorPosition {
  direction: 'after' | 'before';
  key: Record<string, string>;
  /** The listing's filters as the caller gave them when the cursor was issued. */
  filters: string;
}

/** The index a listing reads: its partition (name and this user's value) and sort key name. */
export interface ListingIndex {
  partitionName: string;
  partitionValue: string;
  sortName: string;
}

const KEY_VALUE_MAX = 512;
/** A sealed cursor: key id, nonce, tag, then the sealed JSON. */
const KEY_ID_BYTES = 4;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Longer than any cursor this service issues: a longer one is refused unread. */
const CURSOR_MAX = 4096;

interface CursorKey {
  id: Buffer;
  key: Buffer;
}

/** The keys that seal and open cursors, from the deployment's secrets (any strings): the first seals. */
export class CursorKeyring {
  private readonly keys: CursorKey[];
  constructor(secrets: readonly string[]) {
    if (secrets.length === 0) throw new Error('No key for listing cursors: set CURSOR_KEYS');
    this.keys = secrets.map((secret) => {
      const key = createHash('sha256').update(`calendar cursor key\0${secret}`).digest();
      return { key, id: createHash('sha256').update(key).digest().subarray(0, KEY_ID_BYTES) };
    });
  }

  seal(text: string): string {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const sealed = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return Buffer.concat([id, iv, cipher.getAuthTag(), sealed]).toString('base64url');
  }

  /** The text sealed in `cursor`, or undefined when no key opens it unaltered. */
  open(cursor: string): string | undefined {
    if (cursor.length > CURSOR_MAX || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
    const bytes = Buffer.from(cursor, 'base64url');
    if (bytes.length <= KEY_ID_BYTES + IV_BYTES + TAG_BYTES) return undefined;
    const id = bytes.subarray(0, KEY_ID_BYTES);
    const found = this.keys.find((candidate) => candidate.id.equals(id));
    if (!found) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', found.key, bytes.subarray(KEY_ID_BYTES, KEY_ID_BYTES + IV_BYTES));
      decipher.setAuthTag(bytes.subarray(KEY_ID_BYTES + IV_BYTES, KEY_ID_BYTES + IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(KEY_ID_BYTES + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}

export function encodeCursor(position: CursorPosition, keyring: CursorKeyring): string {
  return keyring.seal(JSON.stringify([position.direction === 'after' ? 'a' : 'b', position.key, position.filters]));
}

/** The cursor's position, if it opens and names an entry of this listing under the same filters; NotFound otherwise. */
export function decodeCursor(cursor: string, index: ListingIndex, filters: string, keyring: CursorKeyring): CursorPosition {
  try {
    const opened = keyring.open(cursor);
    if (opened === undefined) throw new NotFound('Invalid cursor');
    const [direction, key, issuedFor] = JSON.parse(opened) as [string, Record<string, unknown>, unknown];
    // Exactly the four keys of an index entry of this listing, each short.
    const names = Object.keys(key ?? {}).sort();
    const expected = ['pk', 'sk', index.partitionName, index.sortName].sort();
    const wellFormed =
      names.length === 4 &&
      names.every((name, position) => name === expected[position]) &&
      Object.values(key).every((value) => typeof value === 'string' && value.length > 0 && value.length <= KEY_VALUE_MAX) &&
      isMeetingPartition(String(key.pk));
    if (
      (direction === 'a' || direction === 'b') &&
      wellFormed &&
      key[index.partitionName] === index.partitionValue &&
      issuedFor === filters
    ) {
      return { direction: direction === 'a' ? 'after' : 'before', key: key as Record<string, string>, filters };
    }
  } catch {
    // fall through: any unreadable cursor is simply invalid
  }
  throw new NotFound('Invalid cursor');
}
