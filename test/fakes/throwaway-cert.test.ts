// The loopback fakes' certificate: its serial is 16 random bytes, so a leading zero byte turns up about
// once in 256 certificates; DER wants it dropped (X.690 8.3.2), and OpenSSL refused the certificate
// ("illegal padding") and the HTTPS fake did not start.
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createThrowawayCert, derInteger } from '../../src/fakes/throwaway-cert.ts';

const hex = (b: Buffer) => b.toString('hex');

describe('throwaway certificate', () => {
  it('writes integers minimally: leading zero bytes dropped, one zero before a set top bit', () => {
    expect(hex(derInteger(Buffer.from([0x00, 0x12, 0x34])))).toBe('02021234');
    expect(hex(derInteger(Buffer.from([0x00, 0x00, 0x80])))).toBe('02020080');
    expect(hex(derInteger(Buffer.from([0x80, 0x01])))).toBe('0203008001');
    expect(hex(derInteger(Buffer.from([0x00, 0x00])))).toBe('020100');
    expect(hex(derInteger(Buffer.from([0x02])))).toBe('020102');
  });

  it('is a certificate OpenSSL reads', () => {
    const { cert } = createThrowawayCert();
    expect(new X509Certificate(cert).subject).toBeTruthy();
  });
});
