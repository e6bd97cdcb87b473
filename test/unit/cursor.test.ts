import { NotFound } from '../../functions/domain/errors';
import { CursorKeyring, decodeCursor, encodeCursor, type CursorPosition } from '../../functions/store/cursor';

const index = { partitionName: 'gsi1pk', partitionValue: 'MEMBER#01USER', sortName: 'gsi1sk' };
const position: CursorPosition = {
  direction: 'after',
  key: { pk: 'MEETING#01MEETING', sk: 'MEETING', gsi1pk: 'MEMBER#01USER', gsi1sk: '2030-01-01 10:00:00#01MEETING' },
  filters: '[null,null,null]',
};
const keyring = new CursorKeyring(['first secret']);

describe('sealed listing cursors', () => {
  it('opens what it sealed, and shows nothing of what is inside', () => {
    const cursor = encodeCursor(position, keyring);
    expect(decodeCursor(cursor, index, position.filters, keyring)).toEqual(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const bytes = Buffer.from(cursor, 'base64url').toString('latin1');
    for (const inside of ['MEETING', 'MEMBER', '01USER', '2030', 'gsi1']) expect(bytes).not.toContain(inside);
  });

  it('seals the same position differently every time', () => {
    expect(encodeCursor(position, keyring)).not.toBe(encodeCursor(position, keyring));
  });

  it('refuses a cursor altered anywhere', () => {
    const cursor = Buffer.from(encodeCursor(position, keyring), 'base64url');
    for (let at = 0; at < cursor.length; at += 7) {
      const altered = Buffer.from(cursor);
      altered[at] = (altered[at] ?? 0) ^ 1;
      expect(() => decodeCursor(altered.toString('base64url'), index, position.filters, keyring)).toThrow(new NotFound('Invalid cursor'));
    }
  });

  it('refuses the old unsealed form, and anything that is not one of its cursors', () => {
    const plain = Buffer.from(JSON.stringify(['a', position.key, position.filters])).toString('base64url');
    for (const cursor of [plain, '', 'not-a-cursor', 'a'.repeat(5000), '%%%']) {
      expect(() => decodeCursor(cursor, index, position.filters, keyring)).toThrow(new NotFound('Invalid cursor'));
    }
  });

  it('keeps opening the cursors of the previous key after a rotation, and no longer once it is dropped', () => {
    const old = encodeCursor(position, keyring);
    const rotated = new CursorKeyring(['second secret', 'first secret']);
    expect(decodeCursor(old, index, position.filters, rotated)).toEqual(position);
    const fresh = encodeCursor(position, rotated);
    expect(() => decodeCursor(fresh, index, position.filters, keyring)).toThrow(new NotFound('Invalid cursor'));
    expect(() => decodeCursor(old, index, position.filters, new CursorKeyring(['second secret']))).toThrow(new NotFound('Invalid cursor'));
  });

  it('still refuses a sealed cursor of another listing or other filters', () => {
    const cursor = encodeCursor(position, keyring);
    expect(() => decodeCursor(cursor, { ...index, partitionValue: 'MEMBER#01OTHER' }, position.filters, keyring)).toThrow(
      new NotFound('Invalid cursor'),
    );
    expect(() => decodeCursor(cursor, index, '["active",null,null]', keyring)).toThrow(new NotFound('Invalid cursor'));
  });

  it('needs a key', () => {
    expect(() => new CursorKeyring([])).toThrow('No key for listing cursors: set CURSOR_KEYS');
  });
});
