import { chromium } from 'playwright-core';
import { startServer } from './harness/server';
const server = await startServer('/work/main');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const context = await browser.newContext();
const page = await context.newPage();
const o = server.origin;
await page.goto(`${o}/signup`);
await page.getByLabel('Email').fill(`d${Date.now()}@example.com`);
await page.getByLabel('Password', { exact: true }).fill('a calm trader sleeps at night 42');
await page.getByRole('button', { name: 'Create account' }).click();
await page.waitForURL('**/connect');
await page.getByRole('button', { name: 'Connect Coinbase' }).click();
await page.waitForURL(/\/sandbox\/oauth\/authorize/);
await page.getByRole('button', { name: /^allow/i }).click();
await page.waitForURL(/\/connect\?connected=coinbase/);
await page.getByRole('button', { name: 'Import my last 30 days' }).click();
for (let i = 0; i < 30; i++) {
  await page.waitForTimeout(2000);
  const r = await context.request.get(`${o}/api/imports`);
  console.log(JSON.stringify(await r.json()).slice(0, 400));
}
console.log(server.output().slice(-5000));
await browser.close();
await server.stop();
