// The browser test of the page view (docs/pages.md): the document's page
// with the query's words boxed over it, in Debian's Chromium with
// JavaScript off, at desktop and phone sizes, for a text PDF page and a
// photographed statement.  Each box must sit over its word: the centre of
// the drawn box is compared with where the word is on the page by the
// layout (poppler's text layout, or OCR's boxes), scaled to the image as the
// browser laid it out.  Prints "ok - ..." / "not ok - ..." lines.
//
// Usage: node pages.mjs URL ARTIFACTS_DIR PDF_SHA PDF_QUERY PHOTO_SHA PHOTO_QUERY
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [url, artifacts, pdfSha, pdfQuery, photoSha, photoQuery] = process.argv.slice(2);
let failed = 0;
const ok = (d) => console.log(`ok - ${d}`);
const notOk = (d, why) => {
  failed++;
  console.log(`not ok - ${d}`);
  if (why) console.log(`#   ${String(why).split('\n').join('\n#   ')}`);
};

let browser;
try {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    timeout: 60000,
  });
} catch (e) {
  notOk('Chromium starts', e.message);
  process.exit(1);
}
ok('Chromium starts');

const sizes = [
  { name: 'desktop', opts: { viewport: { width: 1280, height: 1000 } } },
  { name: 'phone', opts: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } },
];
const docs = [
  { name: 'pdf', sha: pdfSha, q: pdfQuery },
  { name: 'photo', sha: photoSha, q: photoQuery },
];

for (const size of sizes) {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: 'es-ES', ...size.opts });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  const csp = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) csp.push(m.text());
  });
  for (const doc of docs) {
    const what = `${doc.name} at ${size.name} size`;
    try {
      const api = await (await fetch(`${url}/api/page/${doc.sha}?q=${encodeURIComponent(doc.q)}`)).json();
      const p = api.hit_pages[0];
      const want = await (await fetch(`${url}/api/page/${doc.sha}/${p}?q=${encodeURIComponent(doc.q)}`)).json();
      await page.goto(`${url}/view/${doc.sha}?q=${encodeURIComponent(doc.q)}`);
      await page.waitForLoadState('load');
      const img = page.locator('svg.pagesvg image');
      // the image has loaded: its box has the page's proportions
      const ib = await img.boundingBox();
      const svg = await page.locator('svg.pagesvg').boundingBox();
      if (!ib || Math.abs(ib.width / ib.height - want.width / want.height) > 0.01)
        throw new Error(`page image box ${JSON.stringify(ib)} for a ${want.width} x ${want.height} page`);
      if (svg.width > size.opts.viewport.width) throw new Error('the page is wider than the screen');
      const rects = page.locator('svg.pagesvg rect.hitbox');
      const n = await rects.count();
      if (n !== want.hits.length || n === 0)
        throw new Error(`${n} boxes drawn, ${want.hits.length} hits in the JSON`);
      const sx = ib.width / want.width, sy = ib.height / want.height;
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const b = await rects.nth(i).boundingBox();
        const h = want.hits[i];
        const cx = ib.x + (h.x + h.w / 2) * sx, cy = ib.y + (h.y + h.h / 2) * sy;
        const d = Math.hypot(b.x + b.width / 2 - cx, b.y + b.height / 2 - cy);
        worst = Math.max(worst, d);
        // the box covers the word: at least its width, at most twice its height
        if (b.width < h.w * sx - 1 || b.height > 2 * h.h * sy + 2)
          throw new Error(`box ${i} (${h.word}): ${JSON.stringify(b)} for a word ${h.w * sx} x ${h.h * sy}`);
      }
      if (worst > 2) throw new Error(`a box is ${worst.toFixed(1)} px off its word`);
      ok(`${what}: the page opens at the first hit (page ${p}), ${n} boxes over their words (within ${worst.toFixed(2)} px of the layout)`);
      const pageNo = (await page.textContent('.pageno')).trim();
      if (!pageNo.startsWith(`Página ${p} /`)) throw new Error(`the page number says "${pageNo}"`);
      ok(`${what}: says which page it is ("${pageNo}")`);
      const file = `web-page-${doc.name}-${size.name}.png`;
      await page.screenshot({ path: join(artifacts, file), fullPage: true });
      ok(`${what}: screenshot tests/artifacts/${file}`);
    } catch (e) {
      notOk(what, e && e.message ? e.message : e);
    }
  }
  if (csp.length) notOk(`no Content-Security-Policy errors at ${size.name} size`, csp.join('\n'));
  else ok(`no Content-Security-Policy errors at ${size.name} size`);
  await context.close();
}
await browser.close();
process.exit(failed ? 1 : 0);
