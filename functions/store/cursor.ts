/**
 * The listing's opaque cursor: a direction and the index entry it starts from, in
 * base64url JSON. A cursor is accepted only if it names exactly an index entry of the
 * listing it is used with: anything else is refused before it reaches DynamoDB.
 */
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

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.direction === 'after' ? 'a' : 'b', position.key, position.filters]), 'utf8').toString(
    'base64url',
  );
}

/** The cursor's position, if it names an entry of this listing under the same filters; NotFound otherwise. */
export function decodeCursor(cursor: string, index: ListingIndex, filters: string): CursorPosition {
  try {
    const [direction, key, issuedFor] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [
      string,
      Record<string, unknown>,
      unknown,
    ];
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
