/**
 * A handler's answer that is not JSON from the route table: bytes or a stream passed through as they are
 * (the A/B gateway's proxied chat completions, server-sent events). The node:http adapter writes it
 * straight to the socket; the web adapter wraps it in a Response. `onClose` runs when the client goes
 * away before the stream ends, so the producer can stop its upstream request.
 */
export class RawReply {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: string | Uint8Array | AsyncIterable<Uint8Array> | null,
    readonly onClose?: () => void,
  ) {}
}

export const isStream = (body: RawReply['body']): body is AsyncIterable<Uint8Array> =>
  body !== null && typeof body === 'object' && Symbol.asyncIterator in body;
