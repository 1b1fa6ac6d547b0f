import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { selfSignedCertificate } from './self-signed';

describe('selfSignedCertificate', () => {
  it('is a CA certificate for 127.0.0.1 and localhost that verifies itself', () => {
    const { cert, key } = selfSignedCertificate('test');
    const x = new X509Certificate(cert);
    expect(x.subject).toBe('CN=test');
    expect(x.ca).toBe(true);
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x.checkHost('localhost')).toBe('localhost');
    expect(x.verify(x.publicKey)).toBe(true);
    expect(key).toContain('BEGIN PRIVATE KEY');
    expect(new Date(x.validTo).getTime()).toBeGreaterThan(Date.now() + 365 * 86_400_000);
  });
});
