// Shared by the browser tests: their settings from the environment, the browser, a port nothing listens on.
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';

/** An environment variable the JUnit runner (DemoPageBrowserTest) sets; the tests cannot run without it. */
export function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (see the header of the test file)`);
  return value;
}

/** Debian's chromium (PULSE_CHROMIUM), headless, without the background traffic a test does not want. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.PULSE_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A port nothing listens on (bound, then released): a server that refuses connections. */
export async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
