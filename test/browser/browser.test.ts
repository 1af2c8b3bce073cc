/**
 * The library runs in a real browser: `entry.ts` is bundled with esbuild for `platform: 'browser'`
 * (so `isomorphic-ws` is the native `WebSocket` and the `client_signature` HMAC is Web Crypto's),
 * served from a local `node:http` server, and run in headless Chromium driven by `playwright-core`
 * against the emulator.
 *
 * The browser is `CHROMIUM_PATH`, else a system Chromium or Chrome, else the one shipped inside the
 * `@sparticuz/chromium` devDependency (see `find-chromium.ts`): no browser is ever downloaded. Without
 * one the browser test FAILS saying why; it never skips. The bundle checks need no browser and run anyway.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT, DeribitEmulator } from '../../src/testing/index.js';
import type { BrowserRunConfig, BrowserTestApi } from './entry.js';
import { findChromium } from './find-chromium.js';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ENTRY = fileURLToPath(new URL('./entry.ts', import.meta.url));
const CHANNEL = 'ticker.BTC-PERPETUAL.100ms';

/**
 * The page. An inline classic script runs before the module bundle: it wraps the native `WebSocket`
 * to record every URL opened, so the test can see the library used the browser's own socket.
 */
const HTML = `<!doctype html>
<html>
  <head>
    <meta charset="utf-8">
    <title>deribit-session browser test</title>
    <link rel="icon" href="data:,">
    <script>
      window.__sockets = [];
      const NativeWebSocket = window.WebSocket;
      window.WebSocket = class extends NativeWebSocket {
        constructor(url, protocols) {
          super(url, protocols);
          window.__sockets.push(String(url));
        }
      };
    </script>
    <script type="module" src="/entry.js"></script>
  </head>
  <body></body>
</html>
`;

interface Notification {
  readonly channel: string;
  readonly data: unknown;
}

let bundle = '';
let bundleInputs: string[] = [];
let server: Server | undefined;
let pageOrigin = '';
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let emu: DeribitEmulator | undefined;

async function startServer(): Promise<Server> {
  const httpServer = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(HTML);
    } else if (path === '/entry.js') {
      response.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'no-store',
      });
      response.end(bundle);
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(0, '127.0.0.1', () => resolve());
  });
  return httpServer;
}

beforeAll(async () => {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    metafile: true,
    sourcemap: 'inline',
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no output');
  bundle = output.text;
  bundleInputs = Object.keys(result.metafile.inputs);
});

afterEach(async () => {
  await context?.close();
  context = undefined;
  await emu?.close();
  emu = undefined;
});

afterAll(async () => {
  await browser?.close();
  browser = undefined;
  const httpServer = server;
  server = undefined;
  if (httpServer !== undefined) {
    httpServer.closeAllConnections();
    await new Promise<void>((resolve) => httpServer.close(() => resolve()));
  }
});

describe('the browser bundle', () => {
  it('uses the browser WebSocket and Web Crypto, and nothing from Node', () => {
    expect(bundleInputs).toContain('node_modules/isomorphic-ws/browser.js');
    expect(bundleInputs.filter((input) => /(^|\/)node_modules\/ws\//.test(input))).toEqual([]);
    expect(bundleInputs.filter((input) => input.startsWith('node:'))).toEqual([]);
    expect(bundleInputs.filter((input) => input.startsWith('src/testing/'))).toEqual([]);
  });
});

describe('in a real browser (headless Chromium)', () => {
  // Unpacking the packaged Chromium the first time takes a few seconds; launching, about one.
  beforeAll(async () => {
    const found = await findChromium();
    server = await startServer();
    pageOrigin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: found.path, args: CHROMIUM_ARGS, headless: true });
    expect(browser.version()).toMatch(/^\d+\./);
  }, 180_000);

  it('authenticates with client_signature, subscribes, and receives a published notification', async () => {
    emu = await DeribitEmulator.start({ tokenTtl: 900 });
    if (browser === undefined) throw new Error('Chromium did not launch');
    context = await browser.newContext();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });

    const notifications: Notification[] = [];
    let notified: (notification: Notification) => void = () => {};
    const firstNotification = new Promise<Notification>((resolve) => {
      notified = resolve;
    });
    await page.exposeFunction('reportNotification', (channel: string, data: unknown) => {
      const notification = { channel, data };
      notifications.push(notification);
      notified(notification);
    });

    await page.goto(`${pageOrigin}/`);
    await page.waitForFunction(() => 'deribitBrowserTest' in window);

    const config: BrowserRunConfig = {
      url: emu.url,
      clientId: DEFAULT_ACCOUNT.clientId,
      clientSecret: DEFAULT_ACCOUNT.clientSecret,
      channel: CHANNEL,
    };
    const result = await page.evaluate(
      (runConfig) =>
        (window as unknown as { deribitBrowserTest: BrowserTestApi }).deribitBrowserTest.run(runConfig),
      config,
    );

    expect(result.state).toBe('authenticated');
    expect(result.grant).toBe('client_signature');
    expect(result.states.slice(0, 3)).toEqual(['connecting', 'authenticating', 'authenticated']);
    expect(result.scope).toMatchObject({ mainaccount: true, trade: 'read_write' });
    expect(result.expiresAt).toBeGreaterThan(Date.now());
    expect(result.sockets).toEqual([emu.url]);

    // The server saw a client_signature grant, and the secret appears nowhere in what it received.
    const auths = emu.received.filter((message) => message.method === 'public/auth');
    expect(auths).toHaveLength(1);
    expect(auths[0]?.params).toMatchObject({
      grant_type: 'client_signature',
      client_id: DEFAULT_ACCOUNT.clientId,
    });
    expect(auths[0]?.params).not.toHaveProperty('client_secret');
    expect(JSON.stringify(emu.received)).not.toContain(DEFAULT_ACCOUNT.clientSecret);
    expect(emu.received.some((message) => message.method === 'public/subscribe')).toBe(true);

    const data = { instrument_name: 'BTC-PERPETUAL', mark_price: 65_432.5, timestamp: 1_700_000_000_000 };
    expect(emu.publish(CHANNEL, data)).toBe(1);
    await expect(firstNotification).resolves.toEqual({ channel: CHANNEL, data });
    expect(notifications).toEqual([{ channel: CHANNEL, data }]);

    const finalState = await page.evaluate(() =>
      (window as unknown as { deribitBrowserTest: BrowserTestApi }).deribitBrowserTest.close(),
    );
    expect(finalState).toBe('closed');
    expect(pageErrors).toEqual([]);
  });
});
