import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { MissingRoute } from './steps';

export interface WsFrame {
  at: number;
  message: { type?: string; id?: string; importId?: string; status?: string; synced?: boolean } & Record<
    string,
    unknown
  >;
}

export interface WatchedBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Script errors and console errors (CSP refusals included): the acceptance bar is none. */
  consoleErrors: string[];
  /** Non-2xx answers Chromium logs for fetches; expected ones (a 404 digest), listed apart. */
  networkErrors: string[];
  /** Every JSON message the page's WebSockets received, in order. */
  frames: WsFrame[];
}

/**
 * Debian's Chromium, headless, with a page whose console, failed API routes and WebSocket
 * frames are recorded for the acceptance steps.
 */
export async function launchWatchedBrowser(
  onMissingRoute: (route: MissingRoute) => void,
): Promise<WatchedBrowser> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const watched: WatchedBrowser = {
    browser,
    context,
    page,
    consoleErrors: [],
    networkErrors: [],
    frames: [],
  };
  page.on('pageerror', (error) => watched.consoleErrors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (message.text().startsWith('Failed to load resource'))
      watched.networkErrors.push(`${message.location().url}: ${message.text()}`);
    else watched.consoleErrors.push(message.text());
  });
  page.on('response', async (response) => {
    const url = new URL(response.url());
    if (!url.pathname.startsWith('/api/') || response.status() !== 404) return;
    const body = (await response.json().catch(() => null)) as { detail?: string } | null;
    // The BFF's answer for a route that does not exist (yet): a missing backend part, not a UI fault.
    if (body?.detail?.startsWith('No route for'))
      onMissingRoute({ method: response.request().method(), path: url.pathname, status: 404 });
  });
  page.on('websocket', (socket) => {
    socket.on('framereceived', (frame) => {
      try {
        watched.frames.push({
          at: Date.now(),
          message: JSON.parse(String(frame.payload)) as WsFrame['message'],
        });
      } catch {
        // Not JSON: not ours.
      }
    });
  });
  return watched;
}
