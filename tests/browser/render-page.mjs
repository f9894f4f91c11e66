// Opens a page in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core),
// optionally waits until a condition holds in the page, keeps a screenshot, and prints what a
// test needs to judge it as one JSON line: errors the page raised, requests it made elsewhere,
// the charts it drew, every [data-figure] text, and the stale warning.
// Usage: node render-page.mjs <url> <screenshot.png> [<until: a JS expression>] [<timeout ms>]
// PAGE_VIEWPORT, WIDTHxHEIGHT (1600x1000 unless given): the screen; the result's layout says
// whether the page scrolls and which tiles are not wholly on the screen at that size.
// PAGE_SIGNALS, a JSON array of JS expressions: each, in turn, is waited for and announced as a
// line "signal <index>" as soon as it holds, so that a test acts on what the page shows, not after a sleep.
import { chromium } from 'playwright-core';

const [url, screenshot, until, timeout] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
try {
  const [width, height] = (process.env.PAGE_VIEWPORT ?? '1600x1000').split('x').map(Number);
  const page = await browser.newPage({ viewport: { width, height } });
  const origin = new URL(url).origin;
  const errors = [];
  const requests = [];
  page.on('pageerror', e => errors.push(`pageerror: ${e.message}`));
  page.on('console', m => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  // Anything but the page itself (for a file) or its own origin (for a server) is external.
  page.on('request', r => { const u = r.url(); if (u !== url && (url.startsWith('file:') || !u.startsWith(origin))) requests.push(u); });
  await page.goto(url, { waitUntil: 'load' });
  const signals = JSON.parse(process.env.PAGE_SIGNALS ?? '[]');
  (async () => {
    for (const [index, signal] of signals.entries()) {
      const held = await page.waitForFunction(signal, null, { timeout: Number(timeout ?? 30000), polling: 100 }).then(() => true, () => false);
      if (!held) return;
      console.log(`signal ${index}`);
    }
  })();
  let waited = true;
  if (until) {
    waited = await page.waitForFunction(until, null, { timeout: Number(timeout ?? 30000), polling: 100 }).then(() => true, () => false);
  }
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
    figures: Object.fromEntries([...document.querySelectorAll('[data-figure]')].map(e => [e.dataset.figure, e.textContent.trim()])),
    rags: Object.fromEntries([...document.querySelectorAll('[data-area]')].map(e => [e.dataset.area, e.querySelector('[data-rag]')?.textContent.trim() ?? ''])),
    alerts: [...document.querySelectorAll('[data-alert]')].map(e => e.textContent.trim()),
    stale: document.getElementById('stale') && !document.getElementById('stale').hidden ? document.getElementById('stale').textContent.trim() : '',
    status: document.getElementById('status')?.textContent.trim() ?? '',
    dataset: { ...document.body.dataset, statuses: [...(window.__statuses ?? [])].join(' | ') },
    layout: (() => {
      const root = document.documentElement;
      const name = e => e.dataset.area ?? e.dataset.line ?? e.dataset.alert ?? e.id ?? e.className;
      // A tile is clipped when any of it lies off the screen or its content overflows its box.
      const clipped = [...document.querySelectorAll('article, .alert, header, #stale:not([hidden])')].filter(e => {
        const box = e.getBoundingClientRect();
        return box.top < 0 || box.left < 0 || box.bottom > innerHeight + 0.5 || box.right > innerWidth + 0.5
          || e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1;
      }).map(name);
      const texts = [...document.querySelectorAll('body *')].filter(e => e.childNodes.length && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) && e.getClientRects().length);
      return {
        scrollWidth: root.scrollWidth, scrollHeight: root.scrollHeight, innerWidth, innerHeight,
        clipped,
        tiles: document.querySelectorAll('article').length,
        smallestTextPx: Math.min(1e6, ...texts.filter(e => !e.closest('footer')).map(e => parseFloat(getComputedStyle(e).fontSize))),
        fit: Number(root.dataset.fit ?? '1'),
        dense: root.dataset.dense === 'true',
        scope: document.getElementById('scope')?.textContent.trim() ?? '',
        areaNames: [...document.querySelectorAll('[data-area] h3')].map(e => e.textContent.trim()),
        judged: Object.fromEntries([...document.querySelectorAll('[data-line]')].map(e => [e.dataset.line, e.querySelector('[data-figure$="/judged"]')?.textContent.trim() ?? ''])),
        callScopes: [...document.querySelectorAll('[data-line] [data-scope]')].map(e => e.textContent.trim()),
        header: document.querySelector('header')?.textContent.replace(/\s+/g, ' ').trim() ?? '',
      };
    })(),
  }));
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify({ ...result, waited, errors, externalRequests: requests }));
} finally {
  await browser.close();
}
