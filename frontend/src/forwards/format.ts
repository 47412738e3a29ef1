import type { Forward } from '../api';

/** bytes reads a byte count for people: B, KiB, MiB, GiB. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** Port numbers that usually speak HTTP; names with http or web in them do too. */
const HTTP_PORTS = new Set([80, 443, 3000, 4000, 5000, 8000, 8008, 8080, 8081, 8443, 8888, 9000, 9090]);
const TLS_PORTS = new Set([443, 8443]);

/**
 * browserURL is the address to open a forward at in the system browser:
 * http(s)://127.0.0.1:<local>/ for a forward that listens on loopback and
 * whose port looks like HTTP, else null. Only the forward's own loopback
 * address is ever opened, whatever the cluster named its ports.
 */
export function browserURL(f: Forward): string | null {
  const m = /^127\.0\.0\.1:(\d{1,5})$/.exec(f.address ?? '');
  if (!m) return null;
  const local = Number(m[1]);
  if (local < 1 || local > 65535) return null;
  const name = f.port.toLowerCase();
  const remote = f.remotePort ?? (Number.isInteger(Number(f.port)) ? Number(f.port) : 0);
  const tls = name.includes('https') || TLS_PORTS.has(remote);
  const http = tls || name.includes('http') || name.includes('web') || HTTP_PORTS.has(remote);
  if (!http) return null;
  return `${tls ? 'https' : 'http'}://127.0.0.1:${local}/`;
}

/** targetText names what a forward targets: "pods/web-0", "services/shop". */
export function targetText(f: Forward): string {
  return `${f.kind}/${f.name}`;
}
