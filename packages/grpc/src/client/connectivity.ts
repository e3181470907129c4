import type { ConnectivityState } from "./balancer/load-balancer.js";

export type StateListener = (state: ConnectivityState) => void;

/** A channel's connectivity state and whoever watches it. */
export class Connectivity {
  private listeners = new Set<StateListener>();

  constructor(public state: ConnectivityState) {}

  set(state: ConnectivityState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of [...this.listeners]) listener(state);
  }

  /** Calls `listener` at each change from now on, until the returned function is called. */
  watch(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
