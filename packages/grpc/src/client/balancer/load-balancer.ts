import type { Address } from "../resolver/address.js";
import type { Subchannel } from "./subchannel.js";

/** The connectivity states of a subchannel and of a channel (grpc/grpc doc/connectivity-semantics-and-api.md). */
export type ConnectivityState = "IDLE" | "CONNECTING" | "READY" | "TRANSIENT_FAILURE" | "SHUTDOWN";

/**
 * Chooses where one call goes: a READY subchannel; an Error to fail the call with (calls that wait for ready keep
 * waiting instead); or undefined, to wait for the balancer's next picker.
 */
export type Picker = () => Subchannel | Error | undefined;

/** What a balancer may ask of its channel. */
export interface BalancerHelper {
  /**
   * A subchannel for one address, IDLE until its `connect()`; `onChange` hears each of its state changes. With
   * `healthCheck`, it is READY only while its server reports SERVING, when the service config asks for client-side
   * health checking (`healthCheckConfig`; gRFC A17); round_robin asks, pick_first does not.
   */
  createSubchannel(address: Address, onChange: (subchannel: Subchannel) => void, options?: { healthCheck?: boolean }): Subchannel;
  /** The balancer's state, which becomes the channel's, and the picker calls use from now on. */
  updateState(state: ConnectivityState, picker: Picker): void;
  /** Asks the resolver to look again (after a connection is lost or fails); the resolver limits how often. */
  requestResolution(): void;
}

/**
 * A load-balancing policy for one channel: it gets the resolver's addresses, keeps subchannels to some of them, and
 * hands the channel a picker each time its state changes. grpc-go's balancer/picker split, reduced to what calls need.
 */
export interface LoadBalancer {
  /** The resolver's latest addresses and the policy's config (as `parseConfig` returned it). */
  updateAddresses(addresses: readonly Address[], config: unknown): void;
  /** The resolver failed: a balancer with addresses may carry on with them; one without fails its calls. */
  resolutionFailed(error: Error): void;
  /** A call came while the balancer is IDLE: connect. */
  exitIdle(): void;
  /** Shuts every subchannel down. */
  close(): void;
}

export interface LoadBalancerFactory {
  /** The name in a service config's `loadBalancingConfig` (`{ "round_robin": {} }`). */
  readonly name: string;
  /** Checks the policy's config and returns it as the balancer takes it; throws an Error saying what is wrong. */
  parseConfig?(config: unknown): unknown;
  create(helper: BalancerHelper): LoadBalancer;
}
