import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** `10.0.0.0/8`, `::1` (a single address), … as [address, prefix, family], or undefined when malformed. */
function parseCidr(text: string): [string, number, 'ipv4' | 'ipv6'] | undefined {
  const [address = '', prefixText, ...rest] = text.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return undefined;
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  return prefix <= max ? [address, prefix, version === 4 ? 'ipv4' : 'ipv6'] : undefined;
}

export function invalidCidrs(list: readonly string[]): string[] {
  return list.filter((text) => parseCidr(text) === undefined);
}

/**
 * Who is asking, for counting failed logins. X-Forwarded-For is believed only when the peer is one of the
 * configured reverse proxies, and then only as far as the proxies wrote it: walking it from the right, the
 * client is the first address that is not a trusted proxy (anything left of it may be made up by the client).
 * From any other peer the header is ignored, so a client reaching the portal directly cannot pick its address.
 */
export class TrustedProxies {
  private readonly list = new BlockList();
  private readonly empty: boolean;

  constructor(cidrs: readonly string[]) {
    for (const text of cidrs) {
      const parsed = parseCidr(text);
      if (parsed === undefined) throw new RangeError(`not an address or CIDR: ${JSON.stringify(text)}`);
      this.list.addSubnet(...parsed);
    }
    this.empty = cidrs.length === 0;
  }

  private trusted(address: string): boolean {
    const version = isIP(address);
    return version !== 0 && this.list.check(address, version === 4 ? 'ipv4' : 'ipv6');
  }

  clientAddress(req: IncomingMessage): string {
    const peer = req.socket.remoteAddress ?? 'unknown';
    if (this.empty || !this.trusted(peer)) return peer;
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((h) => h.trim());
    let client = peer;
    for (let i = hops.length - 1; i >= 0 && this.trusted(client); i--) {
      const hop = hops[i] as string;
      // A hop that is not an address ends the chain: the proxy next to it is the last one we can vouch for.
      if (isIP(hop) === 0) break;
      client = hop;
    }
    return client;
  }
}
