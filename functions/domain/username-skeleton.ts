/**
 * The username skeleton, on its own: Unicode's confusable tables are large, and only
 * sign-up needs them (every other function recognises users without them).
 */
import { rectifyConfusion } from 'unicode-confusables';

/**
 * What a username looks like, after Unicode's confusable mappings (UTS #39's skeleton,
 * of the NFKC, lower-cased name): two names with one skeleton can be taken for each other
 * (Cyrillic `а` for Latin `a`, `rn` for `m`), so only one of them may exist.
 */
export function usernameSkeleton(name: string): string {
  return rectifyConfusion(name.normalize('NFKC').toLowerCase().normalize('NFD')).normalize('NFD');
}
