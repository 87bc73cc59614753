/**
 * One side of the comparison: a configuration form, the training worker that runs it, and what
 * the worker reports, drawn at most once per animation frame. The `data-testid` attributes are
 * the page's contract with its tests (see the README's Playground section).
 */
import { COLORS, drawBoundary, drawHistogram, drawLosses, short, type Series } from './charts.js';
import {
  ACTIVATIONS,
  DATASET_LABELS,
  DATASETS,
  INITIALIZERS,
  layer,
  OPTIMIZERS,
  PENALTIES,
  type LayerConfig,
  type PanelConfig,
  type Penalty,
} from './config.js';
import { el, numberInput, select, term } from './dom.js';
import { GLOSSARY } from './glossary.js';
import type { CurvePoint, FromWorker, Snapshot, ToWorker } from './protocol.js';

/** Curve points kept; beyond, every other one is dropped. */
const MAX_POINTS = 4000;

const PENALTY_LABELS = { none: 'none', l1: 'L1', l2: 'L2', l1l2: 'L1L2' } as const;
const OPTIMIZER_LABELS = { sgd: 'SGD', adam: 'Adam', rmsprop: 'RMSprop' } as const;
const INIT_LABELS = { glorot: 'Glorot', 'small-positive': 'small +' } as const;

export function describePenalties(config: PanelConfig): string {
  const parts: string[] = [];
  config.layers.forEach((l, i) => {
    for (const kind of ['kernel', 'bias', 'activity'] as const) {
      const p = l[kind];
      if (p.kind !== 'none')
        parts.push(`${kind} ${PENALTY_LABELS[p.kind]}(${p.factor}) on layer ${i + 1}`);
    }
  });
  return parts.length === 0 ? 'no penalty' : parts.join(', ');
}

export class Panel {
  readonly root: HTMLElement;
  private readonly worker: Worker;
  private history: CurvePoint[] = [];
  private points: number[] = [];
  private labels: number[] = [];
  private latest: Snapshot | null = null;
  private frame = 0;
  private fallback: ReturnType<typeof setTimeout> | undefined;
  private readonly form: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly status: HTMLElement;
  private readonly stats: Record<
    'step' | 'epoch' | 'loss' | 'data' | 'penalty' | 'accuracy' | 'saturation',
    HTMLElement
  >;
  private readonly lossCanvas: HTMLCanvasElement;
  private readonly boundaryCanvas: HTMLCanvasElement;
  private readonly layersBox: HTMLElement;
  private readonly adviceBox: HTMLElement;
  running = false;
  private outbox: ToWorker[] | null = [];
  /** Legend entries of the penalties, shown once their curve has a value. */
  private readonly legendKeys: Partial<Record<Series, HTMLElement>> = {};

  constructor(
    readonly id: string,
    public config: PanelConfig,
    private readonly onConfigChange: () => void,
    private readonly onRunningChange: () => void,
  ) {
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => this.receive(e.data);
    this.worker.onerror = (e) => this.showStatus(`worker failed: ${e.message}`, true);
    const stat = (key: string, label: HTMLElement | string, cls = '') => {
      const value = el('span', { class: 'value', 'data-testid': key, text: '–' });
      return {
        box: el('div', { class: `stat ${cls}` }, [el('span', { class: 'label' }, [label]), value]),
        value,
      };
    };
    const step = stat('step', term('step', GLOSSARY.step));
    const epoch = stat('epoch', 'epoch');
    const loss = stat('loss', term('loss', GLOSSARY.loss));
    const data = stat('data-loss', term('data loss', GLOSSARY.dataLoss), 'stat-data');
    const penalty = stat('penalty', term('penalty', GLOSSARY.penalty), 'stat-penalty');
    const accuracy = stat('accuracy', term('accuracy', GLOSSARY.accuracy));
    const saturation = stat(
      'saturation',
      el('span', {}, [term('saturated', GLOSSARY.saturated), ' / ', term('dead', GLOSSARY.dead)]),
      'stat-wide',
    );
    this.stats = {
      step: step.value,
      epoch: epoch.value,
      loss: loss.value,
      data: data.value,
      penalty: penalty.value,
      accuracy: accuracy.value,
      saturation: saturation.value,
    };
    this.summary = el('p', { class: 'summary' });
    this.status = el('p', { class: 'status', role: 'status' });
    this.form = el('div', { class: 'form' });
    this.lossCanvas = el('canvas', {
      class: 'losses',
      'data-testid': 'loss-chart',
      'aria-label': 'data loss and penalties per step',
    });
    this.boundaryCanvas = el('canvas', { class: 'boundary', 'aria-label': 'decision boundary' });
    this.layersBox = el('div', { class: 'layers' });
    this.adviceBox = el('ul', { class: 'advice', 'data-testid': 'advice' });
    const button = (text: string, testid: string, title: string, action: () => void) => {
      const b = el('button', { type: 'button', 'data-testid': testid, title, text });
      b.addEventListener('click', action);
      return b;
    };
    const legend = el('div', { class: 'legend' }, [
      el('span', { class: 'key data', text: 'data loss' }),
      ...(['kernel', 'activity', 'bias'] as const).map((kind) => {
        const key = el('span', { class: `key ${kind}`, text: `${kind} penalty` });
        key.hidden = true;
        this.legendKeys[kind] = key;
        return key;
      }),
    ]);
    this.root = el(
      'section',
      { class: 'panel', 'data-testid': 'panel', 'aria-label': `panel ${id}` },
      [
        el('header', {}, [
          el('h2', { text: `Panel ${id}` }),
          this.summary,
          el('div', { class: 'buttons' }, [
            button('Step', 'panel-step', 'Train one batch', () => this.post({ type: 'step' })),
            button('Reset', 'panel-reset', 'Start again from the initial weights', () =>
              this.reset(),
            ),
            button(
              'Save',
              'panel-save',
              'Save this model (TensorFlow.js format) and its configuration in the browser (IndexedDB)',
              () => this.save(),
            ),
            button('Load', 'panel-load', 'Load the model saved from this panel', () => this.load()),
          ]),
        ]),
        el('details', { class: 'config' }, [el('summary', { text: 'Configuration' }), this.form]),
        el('div', { class: 'stats' }, [
          step.box,
          epoch.box,
          loss.box,
          data.box,
          penalty.box,
          accuracy.box,
          saturation.box,
        ]),
        el('div', { class: 'plots' }, [
          el('figure', { class: 'loss-figure' }, [this.lossCanvas, legend]),
          this.boundaryCanvas,
        ]),
        this.layersBox,
        el('h3', {}, [term('diagnose() says', GLOSSARY.advice)]),
        this.adviceBox,
        this.status,
      ],
    );
    this.renderForm();
    this.post({ type: 'configure', config: this.config });
  }

  /**
   * Messages wait until the worker says it is ready: Lamina's modules finish loading (top-level
   * await) before the worker listens, and a message that arrives earlier would be lost.
   */
  private post(m: ToWorker): void {
    if (this.outbox === null) this.worker.postMessage(m);
    else this.outbox.push(m);
  }

  private storageKey(): string {
    return `lamina-playground-${this.id.toLowerCase()}`;
  }

  setConfig(config: PanelConfig): void {
    this.config = config;
    this.renderForm();
    this.changed();
  }

  /** The configuration changed in the form: start again with it. */
  private changed(): void {
    this.history = [];
    this.latest = null;
    this.post({ type: 'configure', config: this.config });
    if (this.running) this.post({ type: 'run' });
    this.summary.textContent = describePenalties(this.config);
    this.onConfigChange();
  }

  run(on: boolean): void {
    this.post({ type: on ? 'run' : 'pause' });
  }

  step(): void {
    this.post({ type: 'step' });
  }

  reset(): void {
    this.history = [];
    this.post({ type: 'reset' });
  }

  private save(): void {
    localStorage.setItem(this.storageKey(), JSON.stringify(this.config));
    this.post({ type: 'save', key: this.storageKey() });
  }

  private load(): void {
    const saved = localStorage.getItem(this.storageKey());
    if (saved === null) {
      this.showStatus('Nothing saved from this panel yet.', true);
      return;
    }
    this.config = JSON.parse(saved) as PanelConfig;
    this.renderForm();
    this.history = [];
    this.summary.textContent = describePenalties(this.config);
    this.post({ type: 'configure', config: this.config });
    this.post({ type: 'load', key: this.storageKey() });
    this.onConfigChange();
  }

  private showStatus(text: string, problem = false): void {
    this.status.textContent = text;
    this.status.classList.toggle('problem', problem);
  }

  private receive(m: FromWorker): void {
    switch (m.type) {
      case 'ready': {
        this.root.dataset.backend = `${m.backend}${m.threads > 1 ? `, ${m.threads} threads` : ''}`;
        const waiting = this.outbox ?? [];
        this.outbox = null;
        for (const w of waiting) this.worker.postMessage(w);
        return;
      }
      case 'data':
        this.points = m.points;
        this.labels = m.labels;
        this.boundaryCanvas.hidden = m.points.length === 0;
        return;
      case 'snapshot':
        if (m.reset) this.history = [];
        this.history.push(...m.snapshot.points);
        if (this.history.length > MAX_POINTS)
          this.history = this.history.filter((_, i) => i % 2 === 0);
        this.latest = m.snapshot;
        this.scheduleDraw();
        return;
      case 'running':
        this.running = m.running;
        this.onRunningChange();
        return;
      case 'saved':
        this.showStatus(`Saved to indexeddb://${m.key} (${m.bytes} bytes of weights).`);
        return;
      case 'loaded':
        this.showStatus(`Loaded indexeddb://${m.key}.`);
        return;
      case 'error':
        this.showStatus(m.message, true);
        return;
    }
  }

  /**
   * Draws at the next animation frame, at most once per frame. A timer backs the frame up: a
   * page that is not rendering yet (or a hidden tab) may hold animation frames back for long.
   */
  private scheduleDraw(): void {
    if (this.frame !== 0) return;
    const draw = () => {
      cancelAnimationFrame(this.frame);
      clearTimeout(this.fallback);
      this.frame = 0;
      this.draw();
    };
    this.frame = requestAnimationFrame(draw);
    this.fallback = setTimeout(draw, 250);
  }

  private draw(): void {
    const s = this.latest;
    if (s === null) return;
    this.stats.step.textContent = String(s.step);
    this.stats.epoch.textContent = String(s.epoch);
    const last = this.history[this.history.length - 1];
    if (last !== undefined) {
      const penalty = last.kernel + last.bias + last.activity;
      this.stats.loss.textContent = (last.data + penalty).toFixed(4);
      this.stats.data.textContent = last.data.toFixed(4);
      this.stats.penalty.textContent = short(penalty);
    } else {
      for (const k of ['loss', 'data', 'penalty'] as const) this.stats[k].textContent = '–';
    }
    this.stats.accuracy.textContent = `${(100 * s.valAccuracy).toFixed(1)}%`;
    const sat = s.layers.map((l) => l.saturated).filter((v): v is number => v !== null);
    const dead = s.layers.map((l) => l.dead).filter((v): v is number => v !== null);
    const share = (v: number[]) =>
      v.length === 0 ? 'n/a' : `${Math.round((100 * v.reduce((a, b) => a + b, 0)) / v.length)}%`;
    this.stats.saturation.textContent = `${share(sat)} / ${share(dead)}`;
    const shown = drawLosses(this.lossCanvas, this.history);
    for (const [kind, key] of Object.entries(this.legendKeys))
      key.hidden = !shown.includes(kind as Series);
    if (s.boundary !== null)
      drawBoundary(this.boundaryCanvas, s.boundary, this.points, this.labels);
    this.drawLayers(s);
    this.adviceBox.replaceChildren(
      ...(s.advice.length === 0
        ? [el('li', { class: 'healthy', text: 'Every layer looks healthy.' })]
        : s.advice.map((a) =>
            el('li', { class: a.rule }, [el('b', { text: `${a.layer}: ` }), a.text]),
          )),
    );
  }

  private drawLayers(s: Snapshot): void {
    if (this.layersBox.children.length !== s.layers.length) {
      this.layersBox.replaceChildren(
        ...s.layers.map(() => {
          const figure = (cls: string, testid: string, caption: HTMLElement) =>
            el('figure', { class: cls }, [
              el('canvas', { 'data-testid': testid }),
              el('figcaption', {}, [caption]),
            ]);
          return el('div', { class: 'layer' }, [
            el('h4'),
            el('div', { class: 'pair' }, [
              figure('kernel', 'weights-histogram', el('span')),
              figure('activity', 'activations-histogram', el('span')),
            ]),
          ]);
        }),
      );
    }
    s.layers.forEach((l, i) => {
      const box = this.layersBox.children[i] as HTMLElement;
      const config = this.config.layers[i];
      (box.querySelector('h4') as HTMLElement).textContent =
        `${l.name} · ${config?.units ?? '?'} units · ${l.activation}` +
        (l.saturated !== null ? ` · ${Math.round(100 * l.saturated)}% saturated` : '') +
        (l.dead !== null ? ` · ${Math.round(100 * l.dead)}% dead` : '');
      const [wCanvas, zCanvas] = Array.from(box.querySelectorAll('canvas'));
      const [wCaption, zCaption] = Array.from(box.querySelectorAll('figcaption'));
      drawHistogram(wCanvas as HTMLCanvasElement, l.weights, COLORS.kernel);
      drawHistogram(zCanvas as HTMLCanvasElement, l.outputs, COLORS.activity);
      (wCaption as HTMLElement).replaceChildren(
        term('weights W', GLOSSARY.weightsHistogram),
        ` (kernel) · max |w| ${short(l.maxAbsWeight)}`,
      );
      (zCaption as HTMLElement).replaceChildren(
        term('outputs z', GLOSSARY.outputsHistogram),
        ` (activity) · mean |z| ${short(l.meanAbsOutput)}`,
      );
    });
  }

  private renderForm(): void {
    const c = this.config;
    const update = (f: () => void) => () => {
      f();
      this.renderForm();
      this.changed();
    };
    const field = (label: HTMLElement | string, control: HTMLElement) =>
      el('label', { class: 'field' }, [el('span', {}, [label]), control]);
    const penaltyControls = (l: LayerConfig, kind: 'kernel' | 'bias' | 'activity') => {
      const p: Penalty = l[kind];
      return el('div', { class: `penalty ${kind}` }, [
        el('span', { class: 'penalty-name' }, [term(kind, GLOSSARY[kind])]),
        select(PENALTIES, p.kind, (v) => ((p.kind = v), this.changed()), PENALTY_LABELS, {
          'aria-label': `${kind} regularizer`,
          'data-testid': `${kind}-regularizer`,
          title: GLOSSARY.penaltyKind,
        }),
        numberInput(
          p.factor,
          (v) => ((p.factor = v), this.changed()),
          { min: 0, max: 10, step: 'any' },
          {
            'aria-label': `${kind} factor`,
            title: GLOSSARY.factor,
          },
        ),
      ]);
    };
    const layerRows = c.layers.map((l, i) =>
      el('fieldset', { class: 'layer-config' }, [
        el('legend', { text: `Layer ${i + 1}` }),
        el('div', { class: 'row' }, [
          field(
            'units',
            numberInput(l.units, (v) => ((l.units = v), this.changed()), {
              min: 1,
              max: 256,
              step: '1',
              integer: true,
            }),
          ),
          field(
            'activation',
            select(ACTIVATIONS, l.activation, (v) => ((l.activation = v), this.changed())),
          ),
          field(
            term('initial weights', GLOSSARY.init),
            select(INITIALIZERS, l.init, (v) => ((l.init = v), this.changed()), INIT_LABELS),
          ),
        ]),
        penaltyControls(l, 'kernel'),
        penaltyControls(l, 'bias'),
        penaltyControls(l, 'activity'),
      ]),
    );
    const addLayer = el('button', { type: 'button', text: '+ layer', disabled: '' });
    if (c.layers.length < 4) addLayer.removeAttribute('disabled');
    addLayer.addEventListener(
      'click',
      update(() => c.layers.push(layer())),
    );
    const removeLayer = el('button', { type: 'button', text: '− layer', disabled: '' });
    if (c.layers.length > 1) removeLayer.removeAttribute('disabled');
    removeLayer.addEventListener(
      'click',
      update(() => c.layers.pop()),
    );
    this.form.replaceChildren(
      el('div', { class: 'row' }, [
        field(
          'dataset',
          select(DATASETS, c.dataset, (v) => ((c.dataset = v), this.changed()), DATASET_LABELS, {
            'data-testid': 'dataset',
          }),
        ),
        field(
          term('optimizer', GLOSSARY.optimizer),
          select(
            OPTIMIZERS,
            c.optimizer,
            (v) => ((c.optimizer = v), this.changed()),
            OPTIMIZER_LABELS,
          ),
        ),
        field(
          term('learning rate', GLOSSARY.learningRate),
          numberInput(c.learningRate, (v) => ((c.learningRate = v), this.changed()), {
            min: 1e-6,
            max: 10,
            step: 'any',
          }),
        ),
        field(
          term('batch', GLOSSARY.batchSize),
          numberInput(c.batchSize, (v) => ((c.batchSize = v), this.changed()), {
            min: 1,
            max: 1024,
            step: '1',
            integer: true,
          }),
        ),
        field(
          term('seed', GLOSSARY.seed),
          numberInput(c.seed, (v) => ((c.seed = v), this.changed()), {
            min: 0,
            max: 2 ** 31 - 1,
            step: '1',
            integer: true,
          }),
        ),
        field(
          term('stop at epoch', GLOSSARY.epochs),
          numberInput(
            c.epochs,
            (v) => ((c.epochs = v), this.changed()),
            { min: 0, max: 1e6, step: '1', integer: true },
            { 'data-testid': 'stop-epoch' },
          ),
        ),
      ]),
      ...layerRows,
      el('div', { class: 'row' }, [addLayer, removeLayer]),
    );
    this.summary.textContent = describePenalties(c);
  }
}
