// IP addresses and CIDR ranges (IPv4 and IPv6) as numbers, for the tenant's risk deny
// list: parsing, validation (for the management API) and membership. Pure.

export interface IpAddress {
  version: 4 | 6;
  value: bigint;
}

export interface IpRange {
  version: 4 | 6;
  /** The first address of the range. */
  base: bigint;
  prefix: number;
}

function parseIpv4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) return null;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseIpv6(text: string): bigint | null {
  if (!/^[0-9a-fA-F:.]{2,45}$/.test(text)) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groupsOf = (half: string): number[] | null => {
    if (half === "") return [];
    const groups: number[] = [];
    const pieces = half.split(":");
    for (const [index, piece] of pieces.entries()) {
      if (index === pieces.length - 1 && piece.includes(".")) {
        // An embedded IPv4 address (::ffff:192.0.2.1) fills the last two groups.
        const v4 = parseIpv4(piece);
        if (v4 === null) return null;
        groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return null;
        groups.push(parseInt(piece, 16));
      }
    }
    return groups;
  };
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...Array<number>(missing).fill(0), ...tail];
  return groups.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

/** An IPv4 or IPv6 address; an IPv4-mapped IPv6 address (::ffff:a.b.c.d) counts as IPv4. */
export function parseIp(text: string): IpAddress | null {
  const v4 = parseIpv4(text);
  if (v4 !== null) return { version: 4, value: v4 };
  const v6 = parseIpv6(text);
  if (v6 === null) return null;
  if (v6 >> 32n === 0xffffn) return { version: 4, value: v6 & 0xffffffffn };
  return { version: 6, value: v6 };
}

const BITS = { 4: 32, 6: 128 } as const;

/** A CIDR range, or why it is not one (a message for the management API). */
export function parseCidr(text: string): { range: IpRange } | { error: string } {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!match) return { error: "must be a CIDR range such as 192.0.2.0/24 or 2001:db8::/32" };
  const v4 = parseIpv4(match[1]!);
  const v6 = v4 === null ? parseIpv6(match[1]!) : null;
  if (v4 === null && v6 === null) return { error: `'${match[1]}' is not an IPv4 or IPv6 address` };
  const version = v4 !== null ? 4 : 6;
  const base = (v4 ?? v6)!;
  const prefix = Number(match[2]);
  if (prefix > BITS[version]) return { error: `an IPv${version} prefix length is at most ${BITS[version]}` };
  const hostBits = BigInt(BITS[version] - prefix);
  if (hostBits > 0n && base & ((1n << hostBits) - 1n))
    return { error: "the address has bits set beyond the prefix length; give the first address of the range" };
  return { range: { version, base, prefix } };
}

export function inRange(address: IpAddress, range: IpRange): boolean {
  if (address.version !== range.version) return false;
  const hostBits = BigInt(BITS[range.version] - range.prefix);
  return address.value >> hostBits === range.base >> hostBits;
}
