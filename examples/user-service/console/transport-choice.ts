// The console's protocol switch: gRPC-Web, or the Connect protocol with JSON or binary bodies, all served on the port
// that serves the page. The choice is shown in a <select>, remembered in this browser (localStorage), and followed by
// every call the page makes: calls started after a change go over the new protocol.
import { createConnectTransport, createGrpcWebTransport, type Transport } from "@tsgrpc/grpc/web";

const CHOICES = {
  "grpc-web": { label: "gRPC-Web", make: (baseUrl: string) => createGrpcWebTransport({ baseUrl }) },
  "connect-json": { label: "Connect (JSON)", make: (baseUrl: string) => createConnectTransport({ baseUrl }) },
  "connect-binary": { label: "Connect (binary)", make: (baseUrl: string) => createConnectTransport({ baseUrl, useBinaryFormat: true }) },
} as const;

export type TransportChoice = keyof typeof CHOICES;
const DEFAULT_CHOICE: TransportChoice = "grpc-web";
const STORAGE_KEY = "userservice-console.transport";

const isChoice = (value: string | null): value is TransportChoice => value !== null && Object.hasOwn(CHOICES, value);

/** The remembered choice; the default when there is none, or storage is off (it may throw then). */
function remembered(): TransportChoice {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    return isChoice(saved) ? saved : DEFAULT_CHOICE;
  } catch {
    return DEFAULT_CHOICE;
  }
}

function remember(choice: TransportChoice): void {
  try {
    localStorage.setItem(STORAGE_KEY, choice);
  } catch {
    // Storage is off: the choice holds until the page is left.
  }
}

/** A transport that hands each call to the transport chosen when the call starts. */
class ChosenTransport implements Transport {
  constructor(public current: Transport) {}
  stream: Transport["stream"] = (method, requests, options) => this.current.stream(method, requests, options);
  unary: Transport["unary"] = (method, request, options) => this.current.unary(method, request, options);
}

/**
 * Fills `select` with the protocols, shows the remembered one, and returns the transport for the page's clients: it
 * follows the select. After the user picks another protocol, `changed` runs (to restart the page's open streams).
 */
export function transportChoice(select: HTMLSelectElement, changed: () => void, baseUrl = ""): Transport {
  const choice = remembered();
  select.replaceChildren(...Object.entries(CHOICES).map(([value, { label }]) => new Option(label, value, false, value === choice)));
  const transport = new ChosenTransport(CHOICES[choice].make(baseUrl));
  select.addEventListener("change", () => {
    if (!isChoice(select.value)) return;
    remember(select.value);
    transport.current = CHOICES[select.value].make(baseUrl);
    changed();
  });
  return transport;
}
