/** How a Connect request frames its messages: unary (a bare body) or streaming (envelopes), and the codec. */
export interface ConnectFormat {
  streaming: boolean;
  codec: "proto" | "json";
}

const CONNECT_CONTENT_TYPE = /^application\/(connect\+)?(proto|json)\s*(;|$)/i;

/** The Connect format of a POST's content-type (connectrpc.com/docs/protocol), or undefined for any other. */
export function connectFormat(contentType: string): ConnectFormat | undefined {
  const match = CONNECT_CONTENT_TYPE.exec(contentType);
  if (!match) return undefined;
  return { streaming: match[1] !== undefined, codec: match[2]!.toLowerCase() as "proto" | "json" };
}

/** The response content-type for a format. */
export function connectContentType(format: ConnectFormat): string {
  return `application/${format.streaming ? "connect+" : ""}${format.codec}`;
}
