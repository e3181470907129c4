import { describeAddress, type Address } from "../resolver/address.js";

/**
 * pick_first: the addresses in the resolver's order, one at a time, until one connects. When none does, the error is
 * the last address's (its socket error stays the cause, so a caller can tell a refusal from a failed handshake), with
 * how many addresses were tried.
 */
export async function connectFirst<C>(addresses: readonly Address[], open: (address: Address) => Promise<C>): Promise<C> {
  let last: Error | undefined;
  for (const address of addresses) {
    try {
      return await open(address);
    } catch (e) {
      last = e as Error;
    }
  }
  if (!last) throw new Error("the target resolved to no addresses");
  if (addresses.length > 1) last.message = `${last.message} (the last of ${addresses.length} addresses tried, ${describeAddress(addresses.at(-1)!)})`;
  throw last;
}
