// The browser test of testigo-web: what a person does, in Debian's Chromium
// driven by playwright-core, with JavaScript switched off in the pages (the
// site must work without it).  Prints "ok - ..." / "not ok - ..." lines and
// exits 1 if any check failed.
//
// Usage: node browser.mjs URL ARTIFACTS_DIR
//   URL            the server, e.g. http://127.0.0.1:41234
//   ARTIFACTS_DIR  where screenshots and the downloaded original go
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [url, artifacts] = process.argv.slice(2);
let failed = 0;
const ok = (d) => console.log(`ok - ${d}`);
const notOk = (d, why) => {
  failed++;
  console.log(`not ok - ${d}`);
  if (why) console.log(`#   ${String(why).split('\n').join('\n#   ')}`);
};
async function check(d, fn) {
  try {
    const r = await fn();
    if (r === false) notOk(d);
    else ok(d);
  } catch (e) {
    notOk(d, e && e.message ? e.message : e);
  }
}

// launch() gives Chromium a fresh, empty --user-data-dir of its own (it
// refuses the flag in args); the background-networking flags keep it from
// trying to reach the network, which this machine does not have.
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

const context = await browser.newContext({
  javaScriptEnabled: false,
  acceptDownloads: true,
  locale: 'es-ES',
  viewport: { width: 1280, height: 900 },
});
const page = await context.newPage();
page.setDefaultTimeout(30000);
const cspErrors = [];
page.on('console', (m) => {
  if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
});

await check('the home page opens, in Spanish', async () => {
  await page.goto(url + '/');
  if ((await page.getAttribute('html', 'lang')) !== 'es') return false;
  return (await page.textContent('button[type=submit]')).trim() === 'Buscar';
});

await check('typing a query and pressing Enter shows results', async () => {
  await page.fill('input[name=q]', 'rodriguez');
  await Promise.all([page.waitForURL(/\/search\?q=rodriguez/), page.press('input[name=q]', 'Enter')]);
  return (await page.locator('li.hit').count()) >= 2;
});

await check('hits are highlighted in their accented form', async () => {
  const marks = (await page.locator('li.hit .snippet mark').allTextContents())
    .map((m) => m.normalize('NFC'));
  const folded = (m) => m.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  return marks.includes('Rodríguez') && marks.includes('RODRÍGUEZ') &&
    marks.every((m) => folded(m) === 'rodriguez');
});

await check('the highlight is visible (a background colour)', async () => {
  const bg = await page.locator('li.hit .snippet mark').first()
    .evaluate((el) => getComputedStyle(el).backgroundColor);
  return bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent';
});

await check('result count and time are shown', async () =>
  /\d+ documentos en \d+,\d{3} s/.test(await page.textContent('p.summary')));

await check('ordinary typing is never an error: a notice line says how it was read', async () => {
  await page.fill('input[name=q]', 'Testimonio: "fue detenido');
  await Promise.all([page.waitForURL(/\/search\?q=Testimonio/), page.press('input[name=q]', 'Enter')]);
  const notices = (await page.locator('p.notice').allTextContents()).map((t) => t.trim());
  const hits = await page.locator('li.hit').count();
  const box = await page.locator('p.notice').first().boundingBox();
  const summary = await page.locator('p.summary').boundingBox();
  if (!notices.includes('Se buscó «Testimonio» como palabra: no es un campo de búsqueda.') ||
      !notices.some((t) => t.includes('se buscó la frase «fue detenido» hasta el final')))
    throw new Error(`notices: ${JSON.stringify(notices)}`);
  // above the results, visible, and the results are there
  return hits >= 1 && box && summary && box.height > 0 && box.y < summary.y &&
    (await page.getAttribute('html', 'lang')) === 'es';
});

await page.screenshot({ path: join(artifacts, 'web-notice.png'), fullPage: false });
ok('screenshot of a search with notices: tests/artifacts/web-notice.png');

await check('an impossible date is an error in the page\'s language, the search box kept', async () => {
  await page.goto(url + '/search?q=' + encodeURIComponent('fecha:2024-02-30'));
  const alert = (await page.textContent('p.error')).trim();
  return alert === 'Fecha no válida: «2024-02-30» (use AAAA, AAAA-MM o AAAA-MM-DD).' &&
    (await page.inputValue('header input[name=q]')) === 'fecha:2024-02-30';
});

await page.goto(url + '/search?q=rodriguez');
await page.screenshot({ path: join(artifacts, 'web-search.png'), fullPage: true });
ok('screenshot of the search page: tests/artifacts/web-search.png');

await check('clicking a facet narrows the search', async () => {
  const before = await page.locator('li.hit').count();
  const link = page.locator('section.facet[data-facet=kind] a', { hasText: 'PDF' });
  await Promise.all([page.waitForURL(/kind=pdf/), link.click()]);
  const kinds = await page.locator('li.hit .kind').allTextContents();
  const active = await page.locator('section.facet[data-facet=kind] a.on').count();
  return kinds.length > 0 && kinds.length < before && kinds.every((k) => k === 'PDF') &&
    active === 1;
});

await check('the active filter can be removed', async () => {
  await Promise.all([page.waitForURL((u) => !/kind=/.test(u.search)), page.click('p.active a.chip')]);
  return (await page.locator('li.hit').count()) >= 3;
});

await check('a timeline bar leads to its period', async () => {
  await page.goto(url + '/search?q=*');
  const bars = page.locator('svg.tl a');
  if ((await bars.count()) < 2) return false;
  await Promise.all([page.waitForURL(/(month|year)=\d{4}/), bars.first().click()]);
  return (await page.locator('li.hit').count()) >= 1;
});

await check('the date range form filters by date', async () => {
  await page.goto(url + '/search?q=*');
  await page.fill('section.dates input[name=from]', '2020');
  await page.fill('section.dates input[name=to]', '2020-12-31');
  await Promise.all([page.waitForURL(/from=2020/), page.click('section.dates button')]);
  const dates = await page.locator('li.hit .meta').allTextContents();
  return dates.length >= 1 && dates.every((d) => d.includes('2020-'));
});

let sha = '';
await check('opening a result shows the document with hits and page markers', async () => {
  await page.goto(url + '/search?q=' + encodeURIComponent('expediente type:pdf'));
  await Promise.all([page.waitForURL(/\/doc\/[0-9a-f]{64}/), page.click('li.hit h3 a')]);
  sha = (await page.textContent('code.sha')).trim();
  const marks = await page.locator('.pagetext mark').count();
  const pageMark = await page.locator('h3.pagemark').first().textContent();
  return /^[0-9a-f]{64}$/.test(sha) && marks > 0 && pageMark.startsWith('Página 1');
});

await page.screenshot({ path: join(artifacts, 'web-document.png'), fullPage: false });
ok('screenshot of the document page: tests/artifacts/web-document.png');

await check('downloading the original gives the same bytes (SHA-256)', async () => {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('a.button.dl')]);
  const path = join(artifacts, 'web-download.bin');
  await dl.saveAs(path);
  const got = createHash('sha256').update(readFileSync(path)).digest('hex');
  if (got !== sha) throw new Error(`downloaded ${got}, page says ${sha}`);
  return /\.pdf$/.test(dl.suggestedFilename());
});

await check('the language switch shows English', async () => {
  await Promise.all([page.waitForURL(/hl=en/), page.click('nav.lang a')]);
  return (await page.getAttribute('html', 'lang')) === 'en' &&
    (await page.textContent('a.button.dl')).trim() === 'Download original';
});

await check('the document page lists what the archive knows of it, each a link to its search or page', async () => {
  await page.goto(url + '/search?q=' + encodeURIComponent('Ibáñez'));
  await Promise.all([page.waitForURL(/\/doc\/[0-9a-f]{64}/), page.click('li.hit h3 a')]);
  const person = page.locator('section[data-section=persons] a.person',
    { hasText: 'Ana Lucía Ibáñez Torres' });
  if ((await person.count()) !== 1) throw new Error('no person link written as the text writes it');
  const ids = await page.locator('section[data-section=ids] a').allTextContents();
  const dates = await page.locator('section[data-section=mentions] a').allTextContents();
  const sidecar = await page.locator('section[data-section=sidecar] dd a').allTextContents();
  const fields = await page.textContent('dl.fields');
  await page.screenshot({ path: join(artifacts, 'web-document-known.png'), fullPage: true });
  if (!ids.includes('V-12345678')) throw new Error(`ids: ${ids}`);
  if (!dates.includes('2024-07-28')) throw new Error(`dates: ${dates}`);
  if (!sidecar.includes('El Helicoide') || !sidecar.includes('Caso Ibáñez') ||
    !sidecar.includes('Marbelis Zerpa Núñez') || !sidecar.includes('Detención arbitraria'))
    throw new Error(`sidecar: ${sidecar}`);
  if (!fields.includes('primera línea fechada del texto')) throw new Error('date source not in words');
  await Promise.all([page.waitForURL(/\/person\?name=/), person.click()]);
  return (await page.textContent('main h1')).trim() === 'Ana Lucía Ibáñez Torres' &&
    (await page.locator('li.hit').count()) === 1;
});
ok('screenshot of the document page\'s sections: tests/artifacts/web-document-known.png');

await check('results have collection, place and tag facets, labelled as written', async () => {
  await page.goto(url + '/search?q=' + encodeURIComponent('Ibáñez'));
  const coll = await page.locator('section.facet[data-facet=collection] .v').allTextContents();
  const place = await page.locator('section.facet[data-facet=place] .v').allTextContents();
  const person = await page.locator('section.facet[data-facet=person] .v').allTextContents();
  const tag = page.locator('section.facet[data-facet=tag] a', { hasText: 'Detención arbitraria' });
  await Promise.all([page.waitForURL(/tag=detencion/), tag.click()]);
  return coll.includes('Caso Ibáñez') && place.includes('El Helicoide') &&
    person.includes('Ana Lucía Ibáñez Torres') && (await page.locator('li.hit').count()) === 1;
});

await check('usable on a phone: one column, no sideways scrolling', async () => {
  const phone = await browser.newContext({ javaScriptEnabled: false, locale: 'es-ES',
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const p = await phone.newPage();
  await p.goto(url + '/search?q=rodriguez');
  const wide = await p.evaluate(() => document.documentElement.scrollWidth);
  const box = await p.locator('header input[name=q]').boundingBox();
  await p.screenshot({ path: join(artifacts, 'web-search-phone.png'), fullPage: true });
  await phone.close();
  return wide <= 390 && box && box.width > 150;
});

await check('a document page links to the page of a person it names', async () => {
  await page.goto(url + '/search?q=' + encodeURIComponent('comparece'));
  await Promise.all([page.waitForURL(/\/doc\/[0-9a-f]{64}/), page.click('li.hit h3 a')]);
  await Promise.all([page.waitForURL(/\/person\?name=/), page.click('section[data-section=persons] a.person')]);
  const h1 = (await page.textContent('main h1')).trim();
  const docs = await page.locator('section.person-docs li.hit').count();
  const detention = await page.locator('.person-timeline li[data-event=detention] time').first()
    .getAttribute('datetime');
  await page.screenshot({ path: join(artifacts, 'web-person.png'), fullPage: true });
  return h1 === 'Luis Alberto Rondón Pérez' && docs === 1 && detention === '2024-08-05';
});

await check('the page obeys its Content-Security-Policy (no violations)', async () => {
  if (cspErrors.length) throw new Error(cspErrors.join('\n'));
  return true;
});

await browser.close();
process.exit(failed ? 1 : 0);
