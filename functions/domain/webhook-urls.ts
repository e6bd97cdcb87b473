/**
 * Which URLs a webhook may point to: the guard against server-side request forgery (a
 * subscriber making the service POST to our own network, the cloud metadata endpoint or
 * anything else only reachable from inside).
 *
 * Two checks, both here and both pure:
 * - `checkWebhookUrl`, at registration (and again before every delivery): the URL's shape,
 *   its scheme, credentials, and its host when that host is an IP literal or a name that is
 *   internal by definition.
 * - `refusedAddressReason`, at every delivery on every address the host name resolves to:
 *   the delivery code connects only to addresses this function accepted. A name is only as
 *   safe as the addresses it resolves to at the moment of sending, which is why the name
 *   checks of `checkWebhookUrl` are a clear early answer, not the guard itself.
 */
import { BlockList, isIP } from 'node:net';
import { ValidationFailed } from './errors';
import { messages } from './validation';

/**
 * What a deployment lets webhooks reach beyond public https endpoints. AWS: both false.
 * The local runtime: loopback, so a developer can point a webhook at a receiver on their
 * own machine, over plain http too. Every other non-public range stays refused either way.
 */
export interface UrlPolicy {
  /** Plain `http:` as well as `https:`, to any host. */
  allowHttp: boolean;
  /** Loopback addresses (127.0.0.0/8, ::1) and the name `localhost`, over http too. Never 0.0.0.0 or `::`. */
  allowLoopback: boolean;
}

export const maxUrlLength = 2048;

export const urlMessages = {
  invalid: 'Enter a valid URL.',
  httpsOnly: 'Only https URLs are allowed.',
  httpOrHttps: 'Only http and https URLs are allowed.',
  credentials: 'URLs with a username or password are not allowed.',
  localhost: 'URLs pointing to localhost are not allowed.',
  internalName: 'URLs pointing to internal host names are not allowed.',
  address: (reason: string) => `URLs pointing to ${reason} are not allowed.`,
} as const;

const field = 'url';
const refuse = (message: string) => ValidationFailed.field(field, message);

/** A scheme, then `//`: what Django's URLValidator asks too (WHATWG would read `https:host` as a URL). */
const absoluteUrl = /^[a-z][a-z0-9+.-]*:\/\//i;
/** Whitespace and controls: WHATWG parsing silently drops tabs and line breaks inside a URL. */
const whitespaceOrControl = /[\s\p{Cc}]/u;

/**
 * Names that denote our own side of the network whatever DNS says, refused without a
 * look-up: `.internal` (reserved by ICANN for private use; the clouds' own names live there,
 * `metadata.google.internal`, AWS's `ec2.internal` and `compute.internal`), `.local`
 * (multicast DNS on the local link), `.home.arpa` (home networks), `.localhost` (RFC 6761,
 * loopback) and names of a single label (completed by the resolver's search domains to
 * whatever internal host bears them, e.g. `metadata` or `intranet`).
 */
const internalSuffixes = ['.internal', '.local', '.home.arpa'];

/**
 * The URL, parsed, when a webhook may point to it under `policy`; else ValidationFailed
 * with one message for the field `url`. Messages follow the original API where it has
 * one (Django REST Framework's URLField: "Enter a valid URL.", required, null, blank).
 */
export function checkWebhookUrl(raw: unknown, policy: UrlPolicy): URL {
  if (raw === undefined) throw refuse(messages.required);
  if (raw === null) throw refuse(messages.null);
  if (typeof raw !== 'string') throw refuse(urlMessages.invalid);
  const text = raw.trim();
  if (text === '') throw refuse(messages.blank);
  if (text.length > maxUrlLength) throw refuse(messages.maxLength(maxUrlLength));
  if (!absoluteUrl.test(text) || whitespaceOrControl.test(text)) throw refuse(urlMessages.invalid);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refuse(urlMessages.invalid);
  }
  if (url.href.length > maxUrlLength) throw refuse(messages.maxLength(maxUrlLength));

  // WHATWG has already turned every IPv4 spelling (0x7f.1, 2130706433, 0177.0.0.1,
  // full-width digits) into a dotted quad, and IPv6 into its compressed form in brackets.
  const host = unbracketed(url.hostname);
  // Plain http where the policy allows it, and to a receiver on this machine where loopback is.
  const httpAllowed = policy.allowHttp || (policy.allowLoopback && isLoopbackHost(host));
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && httpAllowed)) {
    throw refuse(httpAllowed ? urlMessages.httpOrHttps : urlMessages.httpsOnly);
  }
  if (url.hostname === '') throw refuse(urlMessages.invalid);
  if (url.username !== '' || url.password !== '') throw refuse(urlMessages.credentials);

  if (isIP(host) !== 0) {
    const reason = refusedAddressReason(host, policy);
    if (reason !== undefined) throw refuse(urlMessages.address(reason));
    return url;
  }
  const name = host.replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) {
    if (!policy.allowLoopback) throw refuse(urlMessages.localhost);
    return url;
  }
  if (!name.includes('.') || internalSuffixes.some((suffix) => name.endsWith(suffix))) throw refuse(urlMessages.internalName);
  return url;
}

/**
 * The name `localhost` (or one under `.localhost`), or an address of this machine. A name
 * is only what the URL says: the delivery checks that it resolves to this machine too.
 */
function isLoopbackHost(host: string): boolean {
  if (isIP(host) !== 0) return isLoopbackAddress(host);
  const name = host.replace(/\.$/, '').toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost');
}

const thisMachine = new BlockList();
thisMachine.addSubnet('127.0.0.0', 8, 'ipv4');
thisMachine.addAddress('::1', 'ipv6');
thisMachine.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/**
 * An address of this machine: 127.0.0.0/8, `::1`, or 127/8 mapped into IPv6. Not the other
 * IPv6 forms that embed 127/8 (NAT64, 6to4, IPv4-compatible, IPv4-translated): those route
 * elsewhere.
 */
export function isLoopbackAddress(address: string): boolean {
  const bare = unbracketed(address.trim()).replace(/%.*$/s, '');
  const family = isIP(bare);
  if (family === 0) return false;
  return thisMachine.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

type Family = 'ipv4' | 'ipv6';
interface Range {
  readonly cidr: string;
  readonly kind: string;
  /** Refused unless the policy allows loopback. */
  readonly loopback?: boolean;
}

/** Most specific first: the first range that holds an address names the reason. */
const ipv4Ranges: readonly Range[] = [
  { cidr: '169.254.169.254/32', kind: 'the cloud metadata address' },
  { cidr: '0.0.0.0/8', kind: 'an unspecified address' },
  { cidr: '127.0.0.0/8', kind: 'a loopback address', loopback: true },
  { cidr: '10.0.0.0/8', kind: 'a private address' },
  { cidr: '172.16.0.0/12', kind: 'a private address' },
  { cidr: '192.168.0.0/16', kind: 'a private address' },
  { cidr: '169.254.0.0/16', kind: 'a link-local address' },
  { cidr: '100.64.0.0/10', kind: 'a carrier-grade NAT address' },
  { cidr: '192.0.0.0/24', kind: 'a reserved address' },
  { cidr: '192.0.2.0/24', kind: 'a documentation address' },
  { cidr: '198.51.100.0/24', kind: 'a documentation address' },
  { cidr: '203.0.113.0/24', kind: 'a documentation address' },
  { cidr: '192.88.99.0/24', kind: 'a reserved address' },
  { cidr: '198.18.0.0/15', kind: 'a benchmarking address' },
  { cidr: '224.0.0.0/4', kind: 'a multicast address' },
  { cidr: '240.0.0.0/4', kind: 'a reserved or broadcast address' },
];

/**
 * Single IPv6 addresses, judged before any form that embeds an IPv4 address (`::` and `::1`
 * would read as IPv4-compatible ones). `fd00:ec2::254` is AWS's metadata endpoint over IPv6.
 */
const ipv6Addresses: readonly Range[] = [
  { cidr: 'fd00:ec2::254/128', kind: 'the cloud metadata address' },
  { cidr: '::/128', kind: 'an unspecified address' },
  { cidr: '::1/128', kind: 'a loopback address', loopback: true },
];

/** IPv6 ranges other than those that embed an IPv4 address (judged by that address, below). */
const ipv6Ranges: readonly Range[] = [
  { cidr: 'fe80::/10', kind: 'a link-local address' },
  { cidr: 'fec0::/10', kind: 'a site-local address' },
  { cidr: 'fc00::/7', kind: 'a unique local address' },
  { cidr: 'ff00::/8', kind: 'a multicast address' },
  { cidr: '100::/64', kind: 'a discard-only address' },
  { cidr: '2001::/32', kind: 'a Teredo tunnel address' },
  { cidr: '2001:db8::/32', kind: 'a documentation address' },
  { cidr: '3fff::/20', kind: 'a documentation address' },
  { cidr: '64:ff9b:1::/48', kind: 'a local-use NAT64 address' },
];

interface CompiledRange extends Range {
  readonly family: Family;
  readonly list: BlockList;
}

function compile(ranges: readonly Range[], family: Family): CompiledRange[] {
  return ranges.map((range) => {
    const [network, prefix] = range.cidr.split('/') as [string, string];
    const list = new BlockList();
    list.addSubnet(network, Number(prefix), family);
    return { ...range, family, list };
  });
}

const compiledIpv4 = compile(ipv4Ranges, 'ipv4');
const compiledIpv6Addresses = compile(ipv6Addresses, 'ipv6');
const compiledIpv6 = compile(ipv6Ranges, 'ipv6');

/** All public IPv6 addresses are here (RFC 4291); the rest is special or not yet assigned. */
const globalUnicast = new BlockList();
globalUnicast.addSubnet('2000::', 3, 'ipv6');

/**
 * IPv6 forms that carry an IPv4 address in their last 32 bits (6to4 in bits 16-47), and
 * reach that IPv4 host or stand for it: the kernel, a NAT64 gateway or a 6to4 relay sends
 * the packets there, so the embedded address decides.
 */
const embeddingForms: readonly { prefix: readonly number[]; form: string; at: number }[] = [
  { prefix: [0, 0, 0, 0, 0, 0xffff], form: 'IPv4-mapped IPv6', at: 12 },
  { prefix: [0, 0, 0, 0, 0xffff, 0], form: 'IPv4-translated IPv6', at: 12 },
  { prefix: [0, 0, 0, 0, 0, 0], form: 'IPv4-compatible IPv6', at: 12 },
  { prefix: [0x64, 0xff9b, 0, 0, 0, 0], form: 'NAT64', at: 12 },
  { prefix: [0x2002], form: '6to4', at: 2 },
];

/**
 * Why a connection to `address` (an IPv4 or IPv6 literal, in any spelling: compressed,
 * bracketed, with a zone id, embedding an IPv4 address) is refused under `policy`, or
 * undefined when it is a public address (or loopback that the policy allows). Anything
 * that is not an IP address is refused too: the caller asked about something it should
 * not connect to.
 *
 * The reason reads after "URLs pointing to ...", e.g. "a private address (10.0.0.0/8)" or
 * "a loopback address (127.0.0.0/8) in IPv4-mapped IPv6 form".
 */
export function refusedAddressReason(address: string, policy: UrlPolicy): string | undefined {
  const bare = unbracketed(address.trim()).replace(/%.*$/s, '');
  switch (isIP(bare)) {
    case 4:
      return ipv4Reason(bare, policy);
    case 6:
      return ipv6Reason(bare, policy);
    default:
      return 'something that is not an IP address';
  }
}

function ipv4Reason(address: string, policy: UrlPolicy): string | undefined {
  return reasonFor(rangeOf(compiledIpv4, address, 'ipv4'), policy);
}

function ipv6Reason(address: string, policy: UrlPolicy): string | undefined {
  const single = rangeOf(compiledIpv6Addresses, address, 'ipv6');
  if (single !== undefined) return reasonFor(single, policy);
  const groups = ipv6Groups(address);
  for (const form of embeddingForms) {
    if (!form.prefix.every((group, index) => groups[index] === group)) continue;
    const reason = ipv4Reason(ipv4At(groups, form.at), policy);
    return reason === undefined ? undefined : `${reason} in ${form.form} form`;
  }
  const range = rangeOf(compiledIpv6, address, 'ipv6');
  if (range !== undefined) return reasonFor(range, policy);
  return globalUnicast.check(address, 'ipv6') ? undefined : 'an address outside global unicast (2000::/3)';
}

function rangeOf(ranges: readonly CompiledRange[], address: string, family: Family): CompiledRange | undefined {
  return ranges.find((range) => range.list.check(address, family));
}

/** "a private address (10.0.0.0/8)", "the cloud metadata address (169.254.169.254)"; undefined when allowed. */
function reasonFor(range: CompiledRange | undefined, policy: UrlPolicy): string | undefined {
  if (range === undefined || (range.loopback && policy.allowLoopback)) return undefined;
  const [network, prefix] = range.cidr.split('/') as [string, string];
  const single = prefix === (range.family === 'ipv4' ? '32' : '128');
  return `${range.kind} (${single ? network : range.cidr})`;
}

/** The eight 16-bit groups of a valid IPv6 address (`isIP` said so), dotted IPv4 tails included. */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  if (tail === undefined) return parse(head);
  const front = parse(head);
  const back = parse(tail);
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/** The dotted IPv4 address in the 32 bits starting at byte `at` (an even offset) of the groups. */
function ipv4At(groups: readonly number[], at: number): string {
  const high = groups[at / 2] ?? 0;
  const low = groups[at / 2 + 1] ?? 0;
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

function unbracketed(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
