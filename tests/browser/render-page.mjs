// Opens a page in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core),
// keeps a screenshot, and prints what a test needs to judge it as one JSON line:
// errors the page raised, and the charts and points it drew.
// Usage: node render-page.mjs <url> <screenshot.png>
import { chromium } from 'playwright-core';

const [url, screenshot] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors = [];
  const requests = [];
  page.on('pageerror', e => errors.push(`pageerror: ${e.message}`));
  page.on('console', m => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('request', r => { if (r.url() !== url) requests.push(r.url()); });
  await page.goto(url, { waitUntil: 'load' });
  const result = await page.evaluate(() => ({
    title: document.title,
    charts: [...document.querySelectorAll('svg.chart')].map(svg => {
      const box = svg.getBoundingClientRect();
      return {
        measure: svg.dataset.measure,
        width: box.width,
        height: box.height,
        points: svg.querySelectorAll('circle.point').length,
        special: svg.querySelectorAll('circle.point:not(.common)').length,
        hasLimits: svg.querySelectorAll('polyline.limit').length >= 2,
        hasProjection: svg.querySelector('polyline.projection') !== null,
      };
    }),
    summaryRows: document.querySelectorAll('table.summary tbody tr:not(.section)').length,
  }));
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify({ ...result, errors, externalRequests: requests }));
} finally {
  await browser.close();
}
