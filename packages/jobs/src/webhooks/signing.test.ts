import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateSecret, maskSecret, signatureHeader, signPayload } from './signing.ts';

describe('webhook signing', () => {
  it('issues whsec_ secrets of 32 random bytes', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(generateSecret()).not.toBe(secret);
  });

  it('masks all but the last four characters', () => {
    const secret = generateSecret();
    expect(maskSecret(secret)).toBe(`whsec_…${secret.slice(-4)}`);
    expect(maskSecret(secret)).not.toContain(secret.slice(6, 20));
  });

  it('signs so that the standardwebhooks reference implementation verifies', () => {
    const secret = generateSecret();
    const id = '5b0f0c1e-3f0a-4c55-9d8e-0a7b2b0e4d11';
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: 'product.created', timestamp: 'x', data: { id: 1 } });
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signPayload(secret, id, timestamp, body),
    };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    // A changed body, or another secret, fails.
    expect(() => new Webhook(secret).verify(body.replace('1', '2'), headers)).toThrow();
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
  });
});

describe('signatures during a secret rotation', () => {
  it('carries one signature per secret, each verifiable on its own', () => {
    const [current, previous] = [generateSecret(), generateSecret()];
    const id = '5b0f0c1e-3f0a-4c55-9d8e-0a7b2b0e4d11';
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: 'product.created', timestamp: 'x', data: { id: 1 } });
    const header = signatureHeader([current, previous], id, timestamp, body);
    expect(header.split(' ')).toEqual([
      signPayload(current, id, timestamp, body),
      signPayload(previous, id, timestamp, body),
    ]);
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestamp) };
    for (const secret of [current, previous]) {
      expect(new Webhook(secret).verify(body, { ...headers, 'webhook-signature': header })).toEqual(
        JSON.parse(body),
      );
    }
    expect(() =>
      new Webhook(generateSecret()).verify(body, { ...headers, 'webhook-signature': header }),
    ).toThrow();
  });
});
