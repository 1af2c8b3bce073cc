/**
 * Browser entry of the real-browser test. `browser.test.ts` bundles it with esbuild for
 * `platform: 'browser'` (so `isomorphic-ws` resolves to the native `WebSocket` and Web Crypto signs),
 * serves it to headless Chromium and drives it through `window.deribitBrowserTest`.
 * Notifications go back to the test through `window.reportNotification`, a `page.exposeFunction`.
 * @module
 */
import { type AuthenticatedEvent, DeribitSession, type Scope, type SessionState } from '../../src/index.js';

/** What the test hands to {@link BrowserTestApi.run}. */
export interface BrowserRunConfig {
  /** The emulator's `ws://` URL. */
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** A public channel to subscribe to. */
  readonly channel: string;
}

/** What {@link BrowserTestApi.run} resolves with once the session is authenticated and subscribed. */
export interface BrowserRunResult {
  readonly state: SessionState;
  readonly scope: Scope | undefined;
  readonly grant: AuthenticatedEvent['grant'] | undefined;
  readonly expiresAt: number | undefined;
  /** Every state the session went through, in order. */
  readonly states: readonly SessionState[];
  /** URLs of the sockets the page opened through its native `WebSocket` (recorded by the page's inline script). */
  readonly sockets: readonly string[];
}

/** What this page puts on `window`. */
export interface BrowserTestApi {
  run(config: BrowserRunConfig): Promise<BrowserRunResult>;
  /** Close the session; resolves with its final state. */
  close(): Promise<SessionState | undefined>;
}

/** The page's globals: the test's exposed function, and the socket log kept by the page's inline script. */
interface PageWindow {
  deribitBrowserTest?: BrowserTestApi;
  reportNotification?: (channel: string, data: unknown) => Promise<void>;
  __sockets?: string[];
}

const page = globalThis as unknown as PageWindow;

let session: DeribitSession | undefined;

page.deribitBrowserTest = {
  async run(config) {
    const states: SessionState[] = [];
    let authenticated: AuthenticatedEvent | undefined;
    session = new DeribitSession({
      url: config.url,
      grant: 'client_signature',
      credentials: { clientId: config.clientId, clientSecret: config.clientSecret },
      heartbeat: false,
    });
    session.on('state', (change) => states.push(change.to));
    session.on('authenticated', (event) => {
      authenticated = event;
    });
    await session.connect();
    await session.subscribe(config.channel, (data, channel) => {
      void page.reportNotification?.(channel, data);
    });
    return {
      state: session.state,
      scope: session.scope,
      grant: authenticated?.grant,
      expiresAt: authenticated?.expiresAt,
      states,
      sockets: [...(page.__sockets ?? [])],
    };
  },
  async close() {
    await session?.close();
    return session?.state;
  },
};
