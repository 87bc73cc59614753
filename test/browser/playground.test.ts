/**
 * The playground (playground/) in headless Chromium, cross-origin isolated as `npm run
 * playground` serves it: the page loads with no console errors, Train moves the numbers in both
 * panels and Pause stops them, the histograms redraw, the configuration controls and presets
 * change what is trained (and the URL hash, which reproduces the panels in a new tab), and the
 * page stays responsive while training. Screenshots (laptop and phone) are kept under
 * test-artifacts/ (gitignored). Skipped, saying so, where no Chromium is installed.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { buildPlayground } from '../../playground/build.js';
import { withChromium } from './harness.js';

const artifacts = new URL('../../test-artifacts/', import.meta.url).pathname;

const steps = (page: Page) =>
  page.$$eval('[data-testid=panel] [data-testid=step]', (els) =>
    els.map((e) => Number(e.textContent)),
  );
const texts = (page: Page, testid: string) =>
  page.$$eval(`[data-testid=panel] [data-testid=${testid}]`, (els) =>
    els.map((e) => e.textContent ?? ''),
  );
const pixels = (page: Page, testid: string) =>
  page.$$eval(`[data-testid=panel] [data-testid=${testid}]`, (els) =>
    els.map((e) => (e as HTMLCanvasElement).toDataURL()),
  );

test('the playground trains two panels live, with working controls', async (t) => {
  await withChromium(
    t,
    async (session) => {
      const site = await buildPlayground(join(session.buildDir, 'playground'), false);
      const url = session.serve('playground', site);
      const { page, errors } = await session.open(url, { width: 1400, height: 1000 });
      try {
        assert.equal(await page.locator('[data-testid=panel]').count(), 2);
        // Both workers configured and reported their first snapshot.
        await page.waitForFunction(
          () =>
            Array.from(document.querySelectorAll('[data-testid=panel] [data-testid=step]')).every(
              (e) => e.textContent === '0',
            ),
          undefined,
          { timeout: 30_000 },
        );
        assert.equal(await page.evaluate(() => crossOriginIsolated), true);
        for (const id of [
          'step',
          'loss',
          'saturation',
          'weights-histogram',
          'activations-histogram',
        ])
          assert.ok(
            (await page.locator(`[data-testid=panel] [data-testid=${id}]`).count()) >= 2,
            id,
          );
        // The landing page is the seed case: every tanh unit saturated in both panels.
        assert.deepEqual(await texts(page, 'saturation'), ['100% / 100%', '100% / 100%']);
        const weightsBefore = await pixels(page, 'weights-histogram');
        const outputsBefore = await pixels(page, 'activations-histogram');

        await page.click('[data-testid=train]');
        await page.waitForFunction(
          () =>
            Array.from(document.querySelectorAll('[data-testid=panel] [data-testid=step]')).every(
              (e) => Number(e.textContent) >= 60,
            ),
          undefined,
          { timeout: 60_000 },
        );
        assert.equal(await page.textContent('[data-testid=train]'), 'Pause');
        await page.click('[data-testid=train]');
        await page.waitForFunction(
          () => document.querySelector('[data-testid=train]')?.textContent === 'Train',
        );
        const paused = await steps(page);
        await page.waitForTimeout(400);
        assert.deepEqual(await steps(page), paused, 'paused panels do not move');
        const losses = (await texts(page, 'loss')).map(Number);
        assert.ok(
          losses.every((l) => Number.isFinite(l) && l > 0),
          `losses ${losses.join(', ')}`,
        );
        // The activity penalty (panel B) pulls the outputs out of saturation; the kernel one does not.
        const saturation = await texts(page, 'saturation');
        assert.equal(saturation[0], '100% / 100%');
        assert.notEqual(saturation[1], '100% / 100%');
        const weightsAfter = await pixels(page, 'weights-histogram');
        const outputsAfter = await pixels(page, 'activations-histogram');
        assert.notEqual(weightsAfter[0], weightsBefore[0], 'weights histogram redrawn');
        assert.notEqual(outputsAfter[1], outputsBefore[1], 'outputs histogram redrawn');
        const { frames, longTasks } = await page.evaluate(() => {
          const w = window as unknown as { __frames: number[]; __longTasks: number[] };
          return { frames: w.__frames, longTasks: w.__longTasks };
        });
        const sorted = [...frames].sort((a, b) => a - b);
        const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
        t.diagnostic(
          `frames while training: ${frames.length}, median ${median.toFixed(1)} ms, max ${(sorted[sorted.length - 1] ?? 0).toFixed(1)} ms; main-thread tasks over 50 ms: ${longTasks.length}`,
        );
        assert.ok(frames.length > 10 && median < 50, `median frame ${median} ms`);
        mkdirSync(artifacts, { recursive: true });
        await page.screenshot({ path: join(artifacts, 'playground.png'), fullPage: true });

        // Save panel A to IndexedDB, reset it, load it back: the trained weights return.
        const panelA = page.locator('[data-testid=panel]').first();
        await panelA.locator('[data-testid=panel-save]').click();
        await panelA
          .locator('.status', { hasText: 'Saved to indexeddb://lamina-playground-a' })
          .waitFor();
        await panelA.locator('[data-testid=panel-reset]').click();
        await page.waitForFunction(
          () =>
            document.querySelector('[data-testid=panel] [data-testid=step]')?.textContent === '0',
        );
        assert.deepEqual((await pixels(page, 'weights-histogram'))[0], weightsBefore[0]);
        await panelA.locator('[data-testid=panel-load]').click();
        await panelA
          .locator('.status', { hasText: 'Loaded indexeddb://lamina-playground-a' })
          .waitFor();
        await page.waitForTimeout(300);
        assert.deepEqual((await pixels(page, 'weights-histogram'))[0], weightsAfter[0]);

        // Controls: panel B on XOR with a kernel L1 penalty; the hash follows.
        const panelB = page.locator('[data-testid=panel]').nth(1);
        await panelB.locator('details.config > summary').click();
        await panelB.locator('[data-testid=dataset]').selectOption('xor');
        await panelB.locator('[data-testid=kernel-regularizer]').first().selectOption('l1');
        await page.waitForFunction(() =>
          decodeURIComponent(location.hash).includes('"dataset":"xor"'),
        );
        assert.match(
          decodeURIComponent(await page.evaluate(() => location.hash)),
          /"kernel":\{"kind":"l1"/,
        );
        await page.waitForFunction(
          () =>
            (document.querySelectorAll('[data-testid=panel] [data-testid=step]')[1]?.textContent ??
              '') === '0',
        );
        assert.match(
          (await panelB.locator('.summary').textContent()) ?? '',
          /^kernel L1\(0\.001\) on layer 1, activity L2\(0\.003\) on layer 1$/,
        );
        assert.equal(await panelB.locator('canvas.boundary').isVisible(), true);
        await panelB.locator('[data-testid=panel-step]').click();
        await page.waitForFunction(
          () =>
            (document.querySelectorAll('[data-testid=panel] [data-testid=step]')[1]?.textContent ??
              '') === '1',
        );

        // Stop at epoch 2: panel B (300 XOR points, batches of 32: 10 steps an epoch) pauses by itself.
        await panelB.locator('[data-testid=stop-epoch]').fill('2');
        await panelB.locator('[data-testid=stop-epoch]').dispatchEvent('change');
        await page.waitForFunction(
          () =>
            (document.querySelectorAll('[data-testid=panel] [data-testid=step]')[1]?.textContent ??
              '') === '0',
        );
        await page.click('[data-testid=train]');
        await page.waitForFunction(
          () =>
            (document.querySelectorAll('[data-testid=panel] [data-testid=epoch]')[1]?.textContent ??
              '') === '2',
          undefined,
          { timeout: 30_000 },
        );
        await page.waitForTimeout(300);
        assert.equal((await steps(page))[1], 20);
        await page.click('[data-testid=train]');
        await page.waitForFunction(
          () => document.querySelector('[data-testid=train]')?.textContent === 'Train',
        );

        // A preset sets both panels; the hash reproduces them in a new tab.
        await page.click('[data-testid=preset-digits]');
        await page.waitForFunction(() =>
          decodeURIComponent(location.hash).includes('"dataset":"digits"'),
        );
        const hash = await page.evaluate(() => location.hash);
        const second = await session.open(`${url}${hash}`, { width: 390, height: 844 });
        try {
          await second.page.waitForFunction(
            () =>
              Array.from(document.querySelectorAll('[data-testid=panel] [data-testid=step]')).every(
                (e) => e.textContent === '0',
              ),
            undefined,
            { timeout: 30_000 },
          );
          assert.equal(await second.page.evaluate(() => location.hash), hash);
          assert.deepEqual(
            await second.page.$$eval('[data-testid=dataset]', (els) =>
              els.map((e) => (e as HTMLSelectElement).value),
            ),
            ['digits', 'digits'],
          );
          await second.page.screenshot({
            path: join(artifacts, 'playground-phone.png'),
            fullPage: true,
          });
          assert.deepEqual(second.errors, []);
        } finally {
          await second.page.close();
        }
        assert.deepEqual(errors, []);
      } finally {
        await page.close();
      }
    },
    { build: false },
  );
});
