import { describe, expect, it } from 'vitest';
import { assertPublicUrl, isPublicAddress, UnsafeUrlError } from './url-guard.ts';

describe('isPublicAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local / cloud metadata'],
    ['100.64.0.1', 'CGNAT'],
    ['0.0.0.0', 'unspecified'],
    ['::1', 'IPv6 loopback'],
    ['fe80::1', 'IPv6 link-local'],
    ['fd00:ec2::254', 'unique-local (AWS metadata over IPv6)'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['224.0.0.1', 'multicast'],
    ['::127.0.0.1', 'IPv4-compatible loopback'],
    ['::7f00:1', 'IPv4-compatible loopback, hex'],
    ['::a00:1', 'IPv4-compatible private'],
    ['0:0:0:0:0:ffff:7f00:1', 'IPv4-mapped loopback, long form'],
    ['::ffff:0:7f00:1', 'IPv4-translated loopback'],
    ['64:ff9b::7f00:1', 'NAT64 loopback'],
    ['2002:7f00:1::', '6to4 of loopback'],
    ['not-an-ip', 'not an address'],
  ])('refuses %s (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'allows the public address %s',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );
});

describe('assertPublicUrl', () => {
  it('refuses a private IP literal without resolving anything', async () => {
    await expect(assertPublicUrl('http://10.0.0.5:8080/x')).rejects.toThrow(
      /refused: 10\.0\.0\.5 is a private/,
    );
    await expect(assertPublicUrl('http://[::1]/x')).rejects.toBeInstanceOf(UnsafeUrlError);
    for (const url of [
      'http://[::127.0.0.1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::7f00:1]:3000/',
    ])
      await expect(assertPublicUrl(url), url).rejects.toBeInstanceOf(UnsafeUrlError);
  });

  it('refuses a host name that resolves to loopback, naming the address', async () => {
    await expect(assertPublicUrl('https://localhost/hook')).rejects.toThrow(
      /refused: localhost \((127\.0\.0\.1|::1)\)/,
    );
  });

  it('refuses a host that does not resolve', async () => {
    await expect(assertPublicUrl('https://no-such-host.invalid/hook')).rejects.toThrow(
      /could not be resolved/,
    );
  });

  it('accepts a public IP literal', async () => {
    await expect(assertPublicUrl('https://8.8.8.8/hook')).resolves.toBeUndefined();
  });
});
