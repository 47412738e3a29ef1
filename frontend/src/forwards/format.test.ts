import { describe, expect, it } from 'vitest';
import type { Forward } from '../api';
import { browserURL, bytes } from './format';

const fwd = (over: Partial<Forward>): Forward => ({
  id: 'f1', generation: 1, kind: 'pods', namespace: 'shop', name: 'web', port: '8080', remotePort: 8080, address: '127.0.0.1:41234',
  state: 'active', connections: 0, totalConnections: 0, bytesIn: 0, bytesOut: 0, ...over,
});

describe('forward formatting', () => {
  it('reads byte counts', () => {
    expect(bytes(0)).toBe('0 B');
    expect(bytes(1023)).toBe('1023 B');
    expect(bytes(1536)).toBe('1.5 KiB');
    expect(bytes(1 << 20)).toBe('1.0 MiB');
    expect(bytes(300 * (1 << 20))).toBe('300 MiB');
    expect(bytes(5 * 2 ** 40)).toBe('5.0 TiB');
  });

  it('opens HTTP-ish ports on the forward’s own loopback address only', () => {
    expect(browserURL(fwd({}))).toBe('http://127.0.0.1:41234/');
    expect(browserURL(fwd({ port: 'http-api', remotePort: 9999 }))).toBe('http://127.0.0.1:41234/');
    expect(browserURL(fwd({ port: 'https', remotePort: 9443 }))).toBe('https://127.0.0.1:41234/');
    expect(browserURL(fwd({ port: '443', remotePort: 443 }))).toBe('https://127.0.0.1:41234/');
    expect(browserURL(fwd({ port: 'postgres', remotePort: 5432 }))).toBeNull();
    expect(browserURL(fwd({ address: '' }))).toBeNull();
    expect(browserURL(fwd({ address: '0.0.0.0:8080' }))).toBeNull();
    expect(browserURL(fwd({ address: 'evil.example.com:80' }))).toBeNull();
    expect(browserURL(fwd({ port: 'http', address: '127.0.0.1:80/@evil.example.com' }))).toBeNull();
  });
});
