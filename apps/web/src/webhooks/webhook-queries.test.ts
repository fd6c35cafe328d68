import { describe, expect, it } from 'vitest';
import { validateWebhookUrl } from './webhook-queries.ts';

describe('validateWebhookUrl (the form checks with the server schema)', () => {
  it('accepts an http or https URL', () => {
    expect(validateWebhookUrl('https://example.com/hook')).toBeNull();
    expect(validateWebhookUrl(' http://example.com/hook ')).toBeNull();
  });

  it("answers with the server's messages", () => {
    expect(validateWebhookUrl('  ')).toBe('url is required');
    expect(validateWebhookUrl('not a url')).toBe(
      'url must be a valid URL such as https://example.com/hook',
    );
    expect(validateWebhookUrl('ftp://example.com/hook')).toBe(
      'url must start with http:// or https://',
    );
    expect(validateWebhookUrl('https://user:secret@example.com/hook')).toBe(
      'url must not contain a user name or password',
    );
    expect(validateWebhookUrl(`https://example.com/${'a'.repeat(2_048)}`)).toBe(
      'url must be at most 2048 characters',
    );
  });
});
