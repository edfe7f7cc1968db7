// The core in a browser, as a user would ship it: `import { createStudy, TpeSampler } from 'tunekit'`
// bundled by esbuild for the browser with nothing marked external, then run in headless Chromium (Debian's,
// through playwright-core): a TPE study and a default-sampler study run to the end, and the log reaches
// the page's console.
import { describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../src/dashboard/testing/chromium.js';
import { bundleAsConsumer } from './browser-helpers.js';

const program = `
import { createStudy, TpeSampler } from 'tunekit';
const logs = [];
const logger = (e) => logs.push(e.message);
const tpe = await createStudy({ sampler: new TpeSampler({ seed: 1 }), logger });
await tpe.optimize(
  (t) => (t.suggestFloat('x', -5, 5) - 1) ** 2 + (t.suggestCategorical('c', ['a', 'b']) === 'a' ? 0 : 1),
  { nTrials: 40 },
);
const auto = await createStudy({ seed: 2 }); // the default sampler, logging to the console
await auto.optimize((t) => Math.abs(t.suggestInt('n', 1, 64, { log: true }) - 8), { nTrials: 15 });
window.result = {
  tpeBest: await tpe.bestValue(),
  tpeTrials: (await tpe.trials()).length,
  autoTrials: (await auto.trials({ states: ['complete'] })).length,
  firstLog: logs[0],
};
`;

describe.skipIf(!hasChromium())('the core in a browser', () => {
  it('bundles for the browser with nothing external and runs TPE and the default sampler in Chromium', async () => {
    const code = await bundleAsConsumer(program);
    expect(code).not.toMatch(/better-sqlite3|from "pg"/);

    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      const console: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => console.push(m.text()));
      await page.goto('about:blank');
      await page.addScriptTag({ content: code, type: 'module' });
      await page.waitForFunction('"result" in window', null, { timeout: 30_000 }).catch(() => {});
      expect(errors).toEqual([]);
      const result = (await page.evaluate('window.result')) as {
        tpeBest: number;
        tpeTrials: number;
        autoTrials: number;
        firstLog: string;
      };
      expect(result.tpeTrials).toBe(40);
      expect(result.tpeBest).toBeLessThan(0.5);
      expect(result.autoTrials).toBe(15);
      expect(result.firstLog).toMatch(/^Trial 0 finished with value /);
      expect(console).toContainEqual(expect.stringMatching(/^\[tunekit info\] Trial 14 finished with value/));
    } finally {
      await browser.close();
    }
  });
});
