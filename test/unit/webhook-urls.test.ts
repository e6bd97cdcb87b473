import { ValidationFailed } from '../../functions/domain/errors';
import { checkWebhookUrl, refusedAddressReason, type UrlPolicy } from '../../functions/domain/webhook-urls';

/** AWS: https to public addresses only. */
const aws: UrlPolicy = { allowHttp: false, allowLoopback: false };
/** The local runtime: http too, and loopback receivers. */
const local: UrlPolicy = { allowHttp: true, allowLoopback: true };

/** The URL a webhook would keep, or the one message for `url` it is refused with. */
function verdict(raw: unknown, policy: UrlPolicy): { href: string } | { refused: string } {
  try {
    return { href: checkWebhookUrl(raw, policy).href };
  } catch (error) {
    if (!(error instanceof ValidationFailed)) throw error;
    const fields = Object.keys(error.fields);
    const messages = error.fields.url ?? [];
    if (fields.length !== 1 || messages.length !== 1)
      throw new Error(`expected one message for url, got ${JSON.stringify(error.fields)}`, { cause: error });
    return { refused: messages[0]! };
  }
}

const invalid = { refused: 'Enter a valid URL.' };
const httpsOnly = { refused: 'Only https URLs are allowed.' };
const httpOrHttps = { refused: 'Only http and https URLs are allowed.' };
const credentials = { refused: 'URLs with a username or password are not allowed.' };
const localhost = { refused: 'URLs pointing to localhost are not allowed.' };
const internalName = { refused: 'URLs pointing to internal host names are not allowed.' };
const pointing = (reason: string) => ({ refused: `URLs pointing to ${reason} are not allowed.` });
const loopback4 = 'a loopback address (127.0.0.0/8)';
const metadata4 = 'the cloud metadata address (169.254.169.254)';
const metadata6 = 'the cloud metadata address (fd00:ec2::254)';

describe('checkWebhookUrl', () => {
  describe.each([
    ['AWS', aws],
    ['the local runtime', local],
  ])('under the policy of %s', (_name, policy) => {
    it.each<[unknown, { href: string } | { refused: string }]>([
      ['https://example.com/hooks?x=1', { href: 'https://example.com/hooks?x=1' }],
      ['https://hooks.example.com:8443/a', { href: 'https://hooks.example.com:8443/a' }],
      ['  https://EXAMPLE.com/hook  ', { href: 'https://example.com/hook' }],
      ['https://8.8.8.8/', { href: 'https://8.8.8.8/' }],
      ['https://[2606:4700:4700::1111]/', { href: 'https://[2606:4700:4700::1111]/' }],
      ['https://[::ffff:8.8.8.8]/', { href: 'https://[::ffff:808:808]/' }],
      ['https://example.com/' + 'a'.repeat(2048 - 'https://example.com/'.length), { href: 'https://example.com/' + 'a'.repeat(2028) }],
    ])('accepts %j', (raw, expected) => {
      expect(verdict(raw, policy)).toEqual(expected);
    });

    it.each<[unknown, { refused: string }]>([
      [undefined, { refused: 'This field is required.' }],
      [null, { refused: 'This field may not be null.' }],
      ['', { refused: 'This field may not be blank.' }],
      ['   ', { refused: 'This field may not be blank.' }],
      [42, invalid],
      [{ href: 'https://example.com/' }, invalid],
      [['https://example.com/'], invalid],
      ['not a url', invalid],
      ['example.com/hook', invalid],
      ['//example.com/hook', invalid],
      ['https:example.com', invalid],
      ['https://', invalid],
      ['https://exa mple.com/', invalid],
      ['https://exa\tmple.com/', invalid],
      ['https://exa\nmple.com/', invalid],
      ['https://example.com:99999/', invalid],
      ['https://example.com/' + 'a'.repeat(2048), { refused: 'Ensure this field has no more than 2048 characters.' }],
      ['https://user:pw@example.com/', credentials],
      ['https://user@example.com/', credentials],
      ['https://:pw@example.com/', credentials],
      ['https://169.254.169.254/latest/meta-data', pointing(metadata4)],
      ['https://[fd00:ec2::254]/', pointing(metadata6)],
      ['https://[fd00:ec2:0:0:0:0:0:254]/latest/meta-data', pointing(metadata6)],
      ['https://[::ffff:169.254.169.254]/', pointing(`${metadata4} in IPv4-mapped IPv6 form`)],
      ['https://10.1.2.3/', pointing('a private address (10.0.0.0/8)')],
      ['https://172.16.0.1/', pointing('a private address (172.16.0.0/12)')],
      ['https://172.31.255.255/', pointing('a private address (172.16.0.0/12)')],
      ['https://192.168.1.1/', pointing('a private address (192.168.0.0/16)')],
      ['https://0.0.0.0/', pointing('an unspecified address (0.0.0.0/8)')],
      ['https://0/', pointing('an unspecified address (0.0.0.0/8)')],
      ['https://[::]/', pointing('an unspecified address (::)')],
      ['https://169.254.10.1/', pointing('a link-local address (169.254.0.0/16)')],
      ['https://[fe80::1]/', pointing('a link-local address (fe80::/10)')],
      ['https://100.64.0.1/', pointing('a carrier-grade NAT address (100.64.0.0/10)')],
      ['https://100.100.100.200/', pointing('a carrier-grade NAT address (100.64.0.0/10)')],
      ['https://224.0.0.1/', pointing('a multicast address (224.0.0.0/4)')],
      ['https://[ff02::1]/', pointing('a multicast address (ff00::/8)')],
      ['https://255.255.255.255/', pointing('a reserved or broadcast address (240.0.0.0/4)')],
      ['https://198.18.0.1/', pointing('a benchmarking address (198.18.0.0/15)')],
      ['https://[fc00::1]/', pointing('a unique local address (fc00::/7)')],
      ['https://[fd12:3456::1]/', pointing('a unique local address (fc00::/7)')],
      ['https://[64:ff9b::a00:1]/', pointing('a private address (10.0.0.0/8) in NAT64 form')],
      ['https://[2002:c0a8:101::1]/', pointing('a private address (192.168.0.0/16) in 6to4 form')],
      ['https://metadata.google.internal/computeMetadata/v1/', internalName],
      ['https://metadata.google.internal./', internalName],
      ['https://ip-10-0-0-1.ec2.internal/', internalName],
      ['https://printer.local/', internalName],
      ['https://router.home.arpa/', internalName],
      ['https://metadata/', internalName],
      ['https://intranet./', internalName],
    ])('refuses %j', (raw, expected) => {
      expect(verdict(raw, policy)).toEqual(expected);
    });

    it('raises the domain validation error for the field url', () => {
      const error = (() => {
        try {
          checkWebhookUrl('https://10.0.0.1/', policy);
        } catch (thrown) {
          return thrown;
        }
      })();
      expect(error).toBeInstanceOf(ValidationFailed);
      expect((error as ValidationFailed).fields).toEqual({ url: ['URLs pointing to a private address (10.0.0.0/8) are not allowed.'] });
    });
  });

  it.each<[string, { href: string } | { refused: string }, { href: string } | { refused: string }]>([
    ['http://example.com/hook', httpsOnly, { href: 'http://example.com/hook' }],
    ['ftp://example.com/', httpsOnly, httpOrHttps],
    ['javascript://example.com/%0aalert(1)', httpsOnly, httpOrHttps],
    ['file:///etc/passwd', httpsOnly, httpOrHttps],
    ['https://localhost/', localhost, { href: 'https://localhost/' }],
    ['https://LOCALHOST./hook', localhost, { href: 'https://localhost./hook' }],
    ['https://receiver.localhost/', localhost, { href: 'https://receiver.localhost/' }],
    ['http://localhost:3000/hook', httpsOnly, { href: 'http://localhost:3000/hook' }],
    ['https://127.0.0.1:8080/', pointing(loopback4), { href: 'https://127.0.0.1:8080/' }],
    ['https://127.255.255.254/', pointing(loopback4), { href: 'https://127.255.255.254/' }],
    ['https://[::1]:8080/', pointing('a loopback address (::1)'), { href: 'https://[::1]:8080/' }],
    ['https://[0:0:0:0:0:0:0:1]/', pointing('a loopback address (::1)'), { href: 'https://[::1]/' }],
    // WHATWG URL reads every IPv4 spelling as the dotted quad it stands for.
    ['https://0x7f.1/', pointing(loopback4), { href: 'https://127.0.0.1/' }],
    ['https://2130706433/', pointing(loopback4), { href: 'https://127.0.0.1/' }],
    ['https://0177.0.0.1/', pointing(loopback4), { href: 'https://127.0.0.1/' }],
    ['https://127.1/', pointing(loopback4), { href: 'https://127.0.0.1/' }],
    ['https://１２７.0.0.1/', pointing(loopback4), { href: 'https://127.0.0.1/' }],
    ['http://0x7f.1/', httpsOnly, { href: 'http://127.0.0.1/' }],
    ['http://2130706433/', httpsOnly, { href: 'http://127.0.0.1/' }],
    ['http://[::ffff:127.0.0.1]/', httpsOnly, { href: 'http://[::ffff:7f00:1]/' }],
    ['http://[::ffff:7f00:1]/', httpsOnly, { href: 'http://[::ffff:7f00:1]/' }],
    ['https://[::ffff:127.0.0.1]/', pointing(`${loopback4} in IPv4-mapped IPv6 form`), { href: 'https://[::ffff:7f00:1]/' }],
    ['https://[::ffff:7f00:1]/', pointing(`${loopback4} in IPv4-mapped IPv6 form`), { href: 'https://[::ffff:7f00:1]/' }],
    ['https://[::127.0.0.1]/', pointing(`${loopback4} in IPv4-compatible IPv6 form`), { href: 'https://[::7f00:1]/' }],
    // Loopback never opens the metadata endpoint, other private ranges or 0.0.0.0.
    ['http://169.254.169.254/latest/meta-data', httpsOnly, pointing(metadata4)],
    ['http://[fd00:ec2::254]/', httpsOnly, pointing(metadata6)],
    ['http://10.0.0.1/', httpsOnly, pointing('a private address (10.0.0.0/8)')],
    ['http://0.0.0.0:3000/', httpsOnly, pointing('an unspecified address (0.0.0.0/8)')],
    ['http://metadata.google.internal/', httpsOnly, internalName],
  ])('%j: AWS %j, the local runtime %j', (raw, underAws, underLocal) => {
    expect([verdict(raw, aws), verdict(raw, local)]).toEqual([underAws, underLocal]);
  });

  it('allows http without loopback; loopback allows http to loopback receivers only', () => {
    expect(verdict('http://127.0.0.1/', { allowHttp: true, allowLoopback: false })).toEqual(pointing(loopback4));
    expect(verdict('http://localhost/', { allowHttp: true, allowLoopback: false })).toEqual(localhost);
    expect(verdict('http://example.com/', { allowHttp: true, allowLoopback: false })).toEqual({ href: 'http://example.com/' });
    const loopbackOnly = { allowHttp: false, allowLoopback: true };
    expect(verdict('https://127.0.0.1/', loopbackOnly)).toEqual({ href: 'https://127.0.0.1/' });
    for (const href of [
      'http://127.0.0.1:4000/hooks',
      'http://127.9.8.7/',
      'http://localhost:4000/',
      'http://app.localhost/',
      'http://[::1]/',
    ]) {
      expect(verdict(href, loopbackOnly)).toEqual({ href });
    }
    for (const href of ['http://example.com/', 'http://93.184.216.34/', 'http://[2606:2800:220:1::]/']) {
      expect(verdict(href, loopbackOnly)).toEqual(httpsOnly);
    }
    // IPv6 forms that embed 127/8 but route elsewhere (NAT64, 6to4, IPv4-compatible, IPv4-translated): not this machine.
    for (const href of ['http://[64:ff9b::7f00:1]/', 'http://[2002:7f00:1::1]/', 'http://[::7f00:1]/', 'http://[::ffff:0:7f00:1]/']) {
      expect(verdict(href, loopbackOnly)).toEqual(httpsOnly);
    }
    expect(verdict('http://[::ffff:127.0.0.1]/', loopbackOnly)).toEqual({ href: 'http://[::ffff:7f00:1]/' });
    expect(verdict('ftp://127.0.0.1/', loopbackOnly)).toEqual(httpOrHttps);
    expect(verdict('ftp://example.com/', loopbackOnly)).toEqual(httpsOnly);
  });
});

describe('refusedAddressReason', () => {
  it.each<[string, string | undefined, string | undefined]>([
    // IPv4, each range, at its edges
    ['0.0.0.0', 'an unspecified address (0.0.0.0/8)', 'an unspecified address (0.0.0.0/8)'],
    ['0.255.255.255', 'an unspecified address (0.0.0.0/8)', 'an unspecified address (0.0.0.0/8)'],
    ['10.0.0.0', 'a private address (10.0.0.0/8)', 'a private address (10.0.0.0/8)'],
    ['10.255.255.255', 'a private address (10.0.0.0/8)', 'a private address (10.0.0.0/8)'],
    ['172.16.0.0', 'a private address (172.16.0.0/12)', 'a private address (172.16.0.0/12)'],
    ['172.31.255.255', 'a private address (172.16.0.0/12)', 'a private address (172.16.0.0/12)'],
    ['192.168.0.1', 'a private address (192.168.0.0/16)', 'a private address (192.168.0.0/16)'],
    ['127.0.0.1', loopback4, undefined],
    ['127.255.255.255', loopback4, undefined],
    ['169.254.0.1', 'a link-local address (169.254.0.0/16)', 'a link-local address (169.254.0.0/16)'],
    ['169.254.169.254', metadata4, metadata4],
    ['169.254.170.2', 'a link-local address (169.254.0.0/16)', 'a link-local address (169.254.0.0/16)'],
    ['100.64.0.0', 'a carrier-grade NAT address (100.64.0.0/10)', 'a carrier-grade NAT address (100.64.0.0/10)'],
    ['100.127.255.255', 'a carrier-grade NAT address (100.64.0.0/10)', 'a carrier-grade NAT address (100.64.0.0/10)'],
    ['224.0.0.1', 'a multicast address (224.0.0.0/4)', 'a multicast address (224.0.0.0/4)'],
    ['239.255.255.250', 'a multicast address (224.0.0.0/4)', 'a multicast address (224.0.0.0/4)'],
    ['240.0.0.1', 'a reserved or broadcast address (240.0.0.0/4)', 'a reserved or broadcast address (240.0.0.0/4)'],
    ['255.255.255.255', 'a reserved or broadcast address (240.0.0.0/4)', 'a reserved or broadcast address (240.0.0.0/4)'],
    ['198.18.0.0', 'a benchmarking address (198.18.0.0/15)', 'a benchmarking address (198.18.0.0/15)'],
    ['198.19.255.255', 'a benchmarking address (198.18.0.0/15)', 'a benchmarking address (198.18.0.0/15)'],
    ['192.0.0.192', 'a reserved address (192.0.0.0/24)', 'a reserved address (192.0.0.0/24)'],
    ['192.0.2.1', 'a documentation address (192.0.2.0/24)', 'a documentation address (192.0.2.0/24)'],
    ['203.0.113.9', 'a documentation address (203.0.113.0/24)', 'a documentation address (203.0.113.0/24)'],
    // IPv4 just outside the ranges: public
    ['8.8.8.8', undefined, undefined],
    ['9.255.255.255', undefined, undefined],
    ['11.0.0.0', undefined, undefined],
    ['172.15.255.255', undefined, undefined],
    ['172.32.0.0', undefined, undefined],
    ['192.167.255.255', undefined, undefined],
    ['192.169.0.0', undefined, undefined],
    ['100.63.255.255', undefined, undefined],
    ['100.128.0.0', undefined, undefined],
    ['169.253.255.255', undefined, undefined],
    ['198.17.255.255', undefined, undefined],
    ['198.20.0.0', undefined, undefined],
    ['223.255.255.255', undefined, undefined],
    ['1.0.0.0', undefined, undefined],
    // IPv6, in many spellings
    ['::', 'an unspecified address (::)', 'an unspecified address (::)'],
    ['0:0:0:0:0:0:0:0', 'an unspecified address (::)', 'an unspecified address (::)'],
    ['::1', 'a loopback address (::1)', undefined],
    ['0000:0000:0000:0000:0000:0000:0000:0001', 'a loopback address (::1)', undefined],
    ['[::1]', 'a loopback address (::1)', undefined],
    ['fe80::1', 'a link-local address (fe80::/10)', 'a link-local address (fe80::/10)'],
    ['fe80::1%eth0', 'a link-local address (fe80::/10)', 'a link-local address (fe80::/10)'],
    ['FE80::ABCD%1', 'a link-local address (fe80::/10)', 'a link-local address (fe80::/10)'],
    ['[febf:ffff::1]', 'a link-local address (fe80::/10)', 'a link-local address (fe80::/10)'],
    ['fec0::1', 'a site-local address (fec0::/10)', 'a site-local address (fec0::/10)'],
    ['fc00::1', 'a unique local address (fc00::/7)', 'a unique local address (fc00::/7)'],
    ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'a unique local address (fc00::/7)', 'a unique local address (fc00::/7)'],
    ['fd00:ec2::254', metadata6, metadata6],
    ['FD00:0EC2:0000:0000:0000:0000:0000:0254', metadata6, metadata6],
    ['[fd00:ec2::254]', metadata6, metadata6],
    ['fd00:ec2::23', 'a unique local address (fc00::/7)', 'a unique local address (fc00::/7)'],
    ['ff02::1', 'a multicast address (ff00::/8)', 'a multicast address (ff00::/8)'],
    ['ff0e::1', 'a multicast address (ff00::/8)', 'a multicast address (ff00::/8)'],
    ['100::1', 'a discard-only address (100::/64)', 'a discard-only address (100::/64)'],
    ['2001:db8::1', 'a documentation address (2001:db8::/32)', 'a documentation address (2001:db8::/32)'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'a Teredo tunnel address (2001::/32)', 'a Teredo tunnel address (2001::/32)'],
    ['64:ff9b:1::a00:1', 'a local-use NAT64 address (64:ff9b:1::/48)', 'a local-use NAT64 address (64:ff9b:1::/48)'],
    ['fe00::1', 'an address outside global unicast (2000::/3)', 'an address outside global unicast (2000::/3)'],
    ['4000::1', 'an address outside global unicast (2000::/3)', 'an address outside global unicast (2000::/3)'],
    // IPv6 forms that embed an IPv4 address are judged by it
    ['::ffff:127.0.0.1', `${loopback4} in IPv4-mapped IPv6 form`, undefined],
    ['::ffff:7f00:1', `${loopback4} in IPv4-mapped IPv6 form`, undefined],
    ['::FFFF:7F00:0001', `${loopback4} in IPv4-mapped IPv6 form`, undefined],
    ['0:0:0:0:0:ffff:127.0.0.1', `${loopback4} in IPv4-mapped IPv6 form`, undefined],
    ['[::ffff:127.0.0.1]', `${loopback4} in IPv4-mapped IPv6 form`, undefined],
    [
      '::ffff:10.0.0.1',
      'a private address (10.0.0.0/8) in IPv4-mapped IPv6 form',
      'a private address (10.0.0.0/8) in IPv4-mapped IPv6 form',
    ],
    ['::ffff:a9fe:a9fe', `${metadata4} in IPv4-mapped IPv6 form`, `${metadata4} in IPv4-mapped IPv6 form`],
    [
      '::ffff:0.0.0.0',
      'an unspecified address (0.0.0.0/8) in IPv4-mapped IPv6 form',
      'an unspecified address (0.0.0.0/8) in IPv4-mapped IPv6 form',
    ],
    ['::ffff:8.8.8.8', undefined, undefined],
    ['::ffff:808:808', undefined, undefined],
    ['::127.0.0.1', `${loopback4} in IPv4-compatible IPv6 form`, undefined],
    ['::7f00:1', `${loopback4} in IPv4-compatible IPv6 form`, undefined],
    [
      '::a00:1',
      'a private address (10.0.0.0/8) in IPv4-compatible IPv6 form',
      'a private address (10.0.0.0/8) in IPv4-compatible IPv6 form',
    ],
    [
      '::2',
      'an unspecified address (0.0.0.0/8) in IPv4-compatible IPv6 form',
      'an unspecified address (0.0.0.0/8) in IPv4-compatible IPv6 form',
    ],
    ['::ffff:0:7f00:1', `${loopback4} in IPv4-translated IPv6 form`, undefined],
    ['64:ff9b::10.0.0.1', 'a private address (10.0.0.0/8) in NAT64 form', 'a private address (10.0.0.0/8) in NAT64 form'],
    ['64:ff9b::a9fe:a9fe', `${metadata4} in NAT64 form`, `${metadata4} in NAT64 form`],
    ['64:ff9b::808:808', undefined, undefined],
    ['2002:a00:1::1', 'a private address (10.0.0.0/8) in 6to4 form', 'a private address (10.0.0.0/8) in 6to4 form'],
    ['2002:7f00:1::', `${loopback4} in 6to4 form`, undefined],
    ['2002:a9fe:a9fe::1', `${metadata4} in 6to4 form`, `${metadata4} in 6to4 form`],
    ['2002:808:808::1', undefined, undefined],
    // Public IPv6
    ['2606:4700:4700::1111', undefined, undefined],
    ['2a00:1450:4001:81c::200e', undefined, undefined],
    ['[2001:4860:4860::8888]', undefined, undefined],
    // Not an address at all: refused, never waved through
    ['example.com', 'something that is not an IP address', 'something that is not an IP address'],
    ['', 'something that is not an IP address', 'something that is not an IP address'],
    ['127.1', 'something that is not an IP address', 'something that is not an IP address'],
    ['2130706433', 'something that is not an IP address', 'something that is not an IP address'],
    ['::g', 'something that is not an IP address', 'something that is not an IP address'],
    ['1.2.3.4.5', 'something that is not an IP address', 'something that is not an IP address'],
  ])('%s: AWS %j, the local runtime %j', (address, underAws, underLocal) => {
    expect([refusedAddressReason(address, aws), refusedAddressReason(address, local)]).toEqual([underAws, underLocal]);
  });
});
