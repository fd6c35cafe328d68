import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { lookup as dnsLookupAsync } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** A webhook URL that must not be called: it points into a private network (SSRF guard). */
export class UnsafeUrlError extends Error {
  override name = 'UnsafeUrlError';
}

/**
 * True for an address on the public internet. ipaddr.js names every special range (private,
 * loopback, link-local with the 169.254.169.254 metadata service, unique-local, CGNAT, multicast,
 * reserved, documentation, NAT64, 6to4, Teredo …); only plain `unicast` is public. IPv4-mapped IPv6
 * (`::ffff:10.0.0.1`) is judged as the IPv4 address it carries; IPv4-compatible IPv6
 * (`::10.0.0.1`, `::a00:1`) is refused outright.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  // ::/96 holds the deprecated IPv4-compatible forms (`::127.0.0.1` is `::7f00:1`), which
  // ipaddr.js calls plain unicast; no public host has such an address.
  if (
    parsed.kind() === 'ipv6' &&
    (parsed as ipaddr.IPv6).parts.slice(0, 6).every((part) => part === 0)
  )
    return false;
  return parsed.range() === 'unicast';
}

function describeRefusal(host: string, address: string): string {
  const shown = host === address ? address : `${host} (${address})`;
  return `refused: ${shown} is a private, loopback, link-local or otherwise non-public address`;
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Resolves the URL's host and throws UnsafeUrlError when any of its addresses is not public
 * (one bad address is enough: the connection could pick it). Unresolvable hosts are refused too,
 * since nothing can be verified about them.
 */
export async function assertPublicUrl(rawUrl: string): Promise<void> {
  const url = new URL(rawUrl);
  const host = hostOf(url);
  if (isIP(host)) {
    if (!isPublicAddress(host)) throw new UnsafeUrlError(describeRefusal(host, host));
    return;
  }
  let addresses: LookupAddress[];
  try {
    addresses = await dnsLookupAsync(host, { all: true, verbatim: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UnsafeUrlError(`refused: the host ${host} could not be resolved (${code})`);
  }
  const bad = addresses.find((entry) => !isPublicAddress(entry.address));
  if (bad) throw new UnsafeUrlError(describeRefusal(host, bad.address));
}

/**
 * A `lookup` for sockets that only ever connects to public addresses: the address checked is the
 * address connected to, so a DNS answer that changes between the check and the connection (DNS
 * rebinding) cannot reach a private network.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true, verbatim: true }, (error, addresses) => {
    if (error) {
      callback(error, '', 0);
      return;
    }
    const bad = addresses.find((entry) => !isPublicAddress(entry.address));
    const first = addresses[0];
    if (bad || !first) {
      const refusal = new UnsafeUrlError(describeRefusal(hostname, bad?.address ?? 'no address'));
      callback(refusal, '', 0);
      return;
    }
    if (options.all) {
      (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
    } else {
      callback(null, first.address, first.family);
    }
  });
};
