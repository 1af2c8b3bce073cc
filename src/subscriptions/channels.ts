/**
 * Channel names as the client sees them: which need `private/subscribe`, and how a list of channels is cut
 * into subscribe requests Deribit accepts (at most 500 channels, and a frame of at most 32 kB).
 * @module
 */
import { MAX_REQUEST_BYTES, utf8Length } from '../connection/socket.js';

/** Deribit's private channel families: they need `private/subscribe` after authentication. */
const PRIVATE_PREFIXES = ['user.', 'block_rfq.', 'block_trade_confirmations'];

/** True for channels that need an authenticated `private/subscribe`. */
export function isPrivateChannel(channel: string): boolean {
  return PRIVATE_PREFIXES.some((prefix) => channel.startsWith(prefix));
}

/** Split channels into the public and private ones. */
export function splitChannels(channels: Iterable<string>): {
  publicChannels: string[];
  privateChannels: string[];
} {
  const publicChannels: string[] = [];
  const privateChannels: string[] = [];
  for (const channel of channels)
    (isPrivateChannel(channel) ? privateChannels : publicChannels).push(channel);
  return { publicChannels, privateChannels };
}

/** Deribit's limit of channels in one subscribe request. */
export const MAX_CHANNELS_PER_REQUEST = 500;

/**
 * Room a subscribe frame needs besides its channel names (`{"jsonrpc":"2.0","id":…,"method":"private/unsubscribe",
 * "params":{"channels":[]}}` is under 100 bytes; the rest is margin for a `label`).
 */
const FRAME_OVERHEAD = 160;

/** Bytes a channel name takes in a request's `channels` array: its JSON string and a comma. */
function encodedSize(channel: string): number {
  return utf8Length(JSON.stringify(channel)) + 1;
}

/**
 * Cut `channels` into requests of at most {@link MAX_CHANNELS_PER_REQUEST} channels whose frames stay under
 * Deribit's {@link MAX_REQUEST_BYTES} (500 long option channel names exceed it). A single name too long for any
 * frame gets a request of its own (and is refused unsent, as any oversize request).
 */
export function chunkChannels(channels: readonly string[]): string[][] {
  const budget = MAX_REQUEST_BYTES - FRAME_OVERHEAD;
  const out: string[][] = [];
  let part: string[] = [];
  let bytes = 0;
  for (const channel of channels) {
    const size = encodedSize(channel);
    if (part.length > 0 && (part.length >= MAX_CHANNELS_PER_REQUEST || bytes + size > budget)) {
      out.push(part);
      part = [];
      bytes = 0;
    }
    part.push(channel);
    bytes += size;
  }
  if (part.length > 0) out.push(part);
  return out;
}

/** The requests (method, channels) that subscribe or unsubscribe `channels`: public and private apart. */
export function channelRequests(
  channels: readonly string[],
  verb: 'subscribe' | 'unsubscribe',
): Array<readonly [method: string, channels: string[]]> {
  const { publicChannels, privateChannels } = splitChannels(channels);
  return [
    ...chunkChannels(publicChannels).map((part) => [`public/${verb}`, part] as const),
    ...chunkChannels(privateChannels).map((part) => [`private/${verb}`, part] as const),
  ];
}
