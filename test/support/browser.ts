import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, installed by test/bed/install-packages.sh; never a browser downloaded by Playwright. */
export const CHROMIUM = '/usr/bin/chromium';

export interface Browser {
  page: Page;
  close(): Promise<void>;
}

/**
 * Headless Chromium with a fresh profile, talking to nothing but the pages a
 * test opens: no background networking, updates, sync or QUIC.
 */
export async function openBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run 'bash test/bed/install-packages.sh chromium' (as root on Debian or Ubuntu)`);
  const profile = await mkdtemp(join(tmpdir(), 'ladder-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true, // Playwright passes --headless
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
