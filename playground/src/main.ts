/**
 * The playground page: two panels trained side by side, the presets that reproduce the study's
 * findings, one Train button for both, and the configuration kept in the URL hash.
 */
import { defaultConfig, fromHash, PRESETS, toHash, type PanelConfig } from './config.js';
import { el } from './dom.js';
import { Panel } from './panel.js';

const clone = (c: PanelConfig): PanelConfig => structuredClone(c);

const notice = document.querySelector('#notice') as HTMLElement;
const finding = document.querySelector('#finding') as HTMLElement;
const trainButton = document.querySelector('[data-testid=train]') as HTMLButtonElement;

let initial: PanelConfig[];
try {
  initial = fromHash(location.hash) ?? PRESETS[0]!.panels.map(clone);
  finding.textContent = location.hash === '' ? PRESETS[0]!.finding : '';
} catch (e) {
  notice.textContent = `The link's configuration could not be read, so the first preset is shown. ${(e as Error).message}`;
  notice.hidden = false;
  initial = PRESETS[0]!.panels.map(clone);
}

/** Frame-to-frame times while training, and main-thread tasks over 50 ms (ms), for the tests. */
const frames: number[] = [];
const longTasks: number[] = [];
Object.assign(window, { __frames: frames, __longTasks: longTasks });
if (PerformanceObserver.supportedEntryTypes.includes('longtask'))
  new PerformanceObserver((list) =>
    longTasks.push(...list.getEntries().map((e) => e.duration)),
  ).observe({ type: 'longtask' });

const panels: Panel[] = [];
const syncHash = (): void => history.replaceState(null, '', toHash(panels.map((p) => p.config)));
const syncTrain = (): void => {
  const running = panels.some((p) => p.running);
  trainButton.textContent = running ? 'Pause' : 'Train';
  trainButton.setAttribute('aria-pressed', String(running));
  if (running) watchFrames();
};
for (const [i, config] of initial.entries())
  panels.push(new Panel(i === 0 ? 'A' : 'B', config ?? defaultConfig(), syncHash, syncTrain));
(document.querySelector('#panels') as HTMLElement).append(...panels.map((p) => p.root));

let last = 0;
function watchFrames(): void {
  requestAnimationFrame(() => {
    const t = performance.now();
    if (last !== 0) frames.push(t - last);
    if (frames.length > 2000) frames.splice(0, 1000);
    last = t;
    if (panels.some((p) => p.running)) watchFrames();
    else last = 0;
  });
}

trainButton.addEventListener('click', () => {
  const start = !panels.some((p) => p.running);
  for (const p of panels) p.run(start);
});
(document.querySelector('#step') as HTMLElement).addEventListener('click', () =>
  panels.forEach((p) => p.step()),
);
(document.querySelector('#reset') as HTMLElement).addEventListener('click', () =>
  panels.forEach((p) => p.reset()),
);
(document.querySelector('#share') as HTMLElement).addEventListener('click', async () => {
  syncHash();
  const shareStatus = document.querySelector('#share-status') as HTMLElement;
  try {
    await navigator.clipboard.writeText(location.href);
    shareStatus.textContent = 'Link copied.';
  } catch {
    shareStatus.textContent = 'The address bar holds the link.';
  }
});

const presets = document.querySelector('#presets') as HTMLElement;
for (const preset of PRESETS) {
  const b = el('button', {
    type: 'button',
    class: 'preset',
    'data-testid': `preset-${preset.id}`,
    text: preset.title,
  });
  b.addEventListener('click', () => {
    preset.panels.forEach((c, i) => panels[i]?.setConfig(clone(c)));
    finding.textContent = preset.finding;
  });
  presets.append(b);
}
syncHash();
const isolation = document.querySelector('#isolation') as HTMLElement;
isolation.textContent = crossOriginIsolated
  ? 'Cross-origin isolated: each panel’s wasm backend uses 2 threads on machines with 4 or more cores.'
  : 'Not cross-origin isolated: the wasm backend runs single-threaded.';
