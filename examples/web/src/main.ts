/**
 * gradcam in the browser: explanations computed in the page with @gradcam/core, @gradcam/viz and
 * @gradcam/classification (their browser entries), captions of any transformers.js captioning model
 * explained word by word with @gradcam/captioning, plus the scene world's models when they are trained.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { METHODS, initBackend, type MethodId } from '@gradcam/core';
import { COLORMAPS, type ColormapName, type Heatmap, type RgbImage, overlayHeatmap, preprocessImage } from '@gradcam/viz';
import { decodeImage, drawImage, encodeImage } from '@gradcam/viz/browser';
import { type Classifier, IMAGENET_CLASSES, classifierFromModel, explainClassification, loadMobileNet } from '@gradcam/classification';
import type { Captioner } from '@gradcam/captioning';

// ---------------------------------------------------------------- types and state

interface Box { x1: number; y1: number; x2: number; y2: number }
interface SampleObject { id: number; colour: string; shape: string; label: string; box: Box }
interface Sample {
  file: string; name: string; title: string; width: number; height: number; objects: SampleObject[];
  scene?: boolean; caption?: string; questions?: { text: string; answer: string; objects: number[] }[];
}
interface SceneManifest { classifier: boolean; captioner: boolean; vqa: boolean; note?: string }
/** One explained target, ready to draw. */
interface Shown { id: string; label: string; detail: string; map: Heatmap; region?: { x: number; y: number; width: number; height: number } }
type SceneModule = typeof import('@gradcam/scenes');
/** Where a transformers.js captioner comes from: a Hugging Face Hub id, or a model folder served over http. */
type CaptionSource = { kind: 'hub'; id: string } | { kind: 'folder'; url: string; parent: string; name: string };
/** One word chip under the input: the word and, when known, p(word | image, previous words). */
interface CaptionWord { text: string; probability?: number }

const GEN = new URL('generated/', new URL(import.meta.env.BASE_URL, location.href)).href;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const state: {
  image?: RgbImage; imageName: string; sample?: Sample; shown: Shown[];
  classifiers: Map<string, Classifier>; scenes?: Promise<{ mod: SceneModule; models: import('@gradcam/scenes').SceneModels }>;
  manifest: SceneManifest; busy: boolean;
  /** The loaded transformers.js captioner (one at a time: loading another frees it). */
  captioner?: { key: string; loading: Promise<Captioner> };
  /** The last caption shown (read by the end-to-end tests). */
  caption?: { model: string; text: string; words: CaptionWord[] };
  /** The result whose map stays on the input after the pointer leaves (a clicked word). */
  pinned?: string;
} = { imageName: '', shown: [], classifiers: new Map(), manifest: { classifier: false, captioner: false, vqa: false }, busy: false };

// Exposed for the end-to-end tests (read-only use).
(window as unknown as { gradcamDemo: unknown }).gradcamDemo = { state, ready: false, numTensors: () => tf.memory().numTensors };

// ---------------------------------------------------------------- errors: always on the page

function message(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}
function showError(context: string, e?: unknown): void {
  const el = $('error');
  el.textContent = e === undefined ? context : `${context}: ${message(e)}`;
  el.hidden = false;
}
function clearError(): void {
  $('error').hidden = true;
  $('error').textContent = '';
}
window.addEventListener('error', (ev) => {
  showError('Unexpected error', ev.error ?? ev.message);
  ev.preventDefault();
});
window.addEventListener('unhandledrejection', (ev) => {
  showError('Unexpected error', ev.reason);
  ev.preventDefault();
});

async function busy<T>(what: string, f: () => Promise<T>): Promise<T | undefined> {
  state.busy = true;
  $('busy').hidden = false;
  $('busy').textContent = `· ${what}…`;
  $<HTMLButtonElement>('run').disabled = true;
  try {
    return await f();
  } catch (e) {
    showError(what.replace(/^./, (c) => c.toUpperCase()) + ' failed', e);
    return undefined;
  } finally {
    state.busy = false;
    $('busy').hidden = true;
    $<HTMLButtonElement>('run').disabled = false;
  }
}

// ---------------------------------------------------------------- backend: webgl → wasm → cpu

async function startBackend(): Promise<string> {
  const forced = new URLSearchParams(location.search).get('backend');
  const notes: string[] = [];
  // @gradcam/core picks wasm (with its extra gradient kernels) else cpu, once; explain() then keeps it.
  const base = await initBackend({
    wasmPaths: `${GEN}tfjs-wasm/`,
    log: (m) => notes.push(m),
    ...(forced === 'cpu' || forced === 'wasm' ? { backend: forced } : {}),
  });
  if (forced !== 'cpu' && forced !== 'wasm') {
    try {
      await import('@tensorflow/tfjs-backend-webgl');
      if (await tf.setBackend('webgl')) {
        await tf.ready();
        // A tiny gradient proves the context works (headless Chromium without a GPU may refuse it).
        const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(x, x)))(tf.ones([2]));
        await g.data();
        g.dispose();
      } else notes.push('webgl unavailable');
    } catch (e) {
      notes.push(`webgl unavailable (${message(e)})`);
    }
    if (tf.getBackend() !== 'webgl') await tf.setBackend(base === 'wasm' ? 'wasm' : 'cpu');
  }
  const name = tf.getBackend();
  $('backend').textContent = name;
  $('backend').title = notes.join('\n');
  return name;
}

// ---------------------------------------------------------------- images and samples

function showInput(image: RgbImage, name: string, sample?: Sample): void {
  state.image = image;
  state.imageName = name;
  state.sample = sample;
  drawImage($<HTMLCanvasElement>('input-canvas'), image);
  $('input-name').textContent = sample ? sample.title : name;
  $('caption-line').hidden = true;
  $('results').innerHTML = '<p class="note">Press <em>Explain</em>.</p>';
  $('results-info').textContent = '';
  state.shown = [];
  state.pinned = undefined;
  state.caption = undefined;
  for (const b of document.querySelectorAll('#samples button')) b.classList.toggle('active', (b as HTMLElement).dataset['sample'] === sample?.name);
  if (sample?.questions?.length) $<HTMLInputElement>('question').value = sample.questions[0]!.text;
}

async function openFile(file: File): Promise<void> {
  clearError();
  await busy(`reading ${file.name}`, async () => {
    const image = await decodeImage(file, file.name);
    showInput(image, file.name);
  });
}

async function loadSamples(): Promise<Sample[]> {
  const res = await fetch(`${GEN}samples.json`);
  if (!res.ok) throw new Error(`samples.json: HTTP ${res.status}`);
  const samples = (await res.json()) as Sample[];
  const box = $('samples');
  for (const s of samples) {
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset['sample'] = s.name;
    b.title = s.title;
    b.innerHTML = `<img src="${GEN}${s.file}" alt="${s.title}" width="72" height="72" />`;
    b.addEventListener('click', () => {
      clearError();
      void busy(`loading ${s.name}`, async () => showInput(await decodeImage(`${GEN}${s.file}`, s.name), s.name, s));
    });
    box.append(b);
  }
  return samples;
}

// ---------------------------------------------------------------- models

async function colourClassifier(): Promise<Classifier> {
  const meta = (await (await fetch(`${GEN}models/colours/labels.json`)).json()) as { labels: string[]; layer: string; inputSize: number };
  const model = await tfl.loadLayersModel(`${GEN}models/colours/model.json`);
  return classifierFromModel(model, { labels: meta.labels, layer: meta.layer, inputRange: [0, 1], inputSize: [meta.inputSize, meta.inputSize], name: 'colour detector' });
}

async function localClassifier(files: File[], range: [number, number]): Promise<Classifier> {
  const json = files.find((f) => f.name.endsWith('.json'));
  if (!json) throw new Error('pick the model.json together with its weight files (.bin)');
  const weights = files.filter((f) => f !== json);
  const topology = JSON.parse(await json.text()) as { format?: string; modelTopology?: { node?: unknown } };
  const isGraph = topology.format === 'graph-model' || Array.isArray(topology.modelTopology?.node);
  const handler = tf.io.browserFiles([json, ...weights]);
  const model = isGraph ? await loadGraphModel(handler) : await tfl.loadLayersModel(handler);
  const inputShape = (isGraph ? (model as { inputs: { shape?: number[] }[] }).inputs[0]?.shape : (model as tfl.LayersModel).inputs[0]?.shape) ?? [];
  const size: [number, number] = [Number(inputShape[1]) > 0 ? Number(inputShape[1]) : 224, Number(inputShape[2]) > 0 ? Number(inputShape[2]) : 224];
  const out = tf.tidy(() => {
    const y = (model as tfl.LayersModel).predict(tf.zeros([1, size[0], size[1], 3])) as tf.Tensor | tf.Tensor[];
    return (Array.isArray(y) ? y[0]! : y).size;
  });
  const labels = out === 1000 || out === 1001 ? [...IMAGENET_CLASSES] : Array.from({ length: out }, (_, i) => `class ${i}`);
  return classifierFromModel(model, { labels, labelOffset: out === 1001 ? 1 : 0, inputRange: range, inputSize: size, name: json.name });
}

async function getClassifier(kind: string): Promise<Classifier> {
  if (kind === 'local') {
    const files = [...($<HTMLInputElement>('local-files').files ?? [])];
    const range = $<HTMLSelectElement>('local-range').value.split(',').map(Number) as [number, number];
    const key = `local:${files.map((f) => `${f.name}/${f.size}/${f.lastModified}`).join('|')}:${range}`;
    if (!state.classifiers.has(key)) state.classifiers.set(key, await localClassifier(files, range));
    return state.classifiers.get(key)!;
  }
  if (!state.classifiers.has(kind)) {
    if (kind === 'colours') state.classifiers.set(kind, await colourClassifier());
    else if (kind === 'mobilenet') {
      if (!navigator.onLine) throw new Error('no network: MobileNet is downloaded from TF Hub; use the bundled colour detector offline');
      try {
        state.classifiers.set(kind, await loadMobileNet({ version: 2, alpha: 1.0 }));
      } catch (e) {
        throw new Error(`MobileNet could not be downloaded from TF Hub (${message(e)}); are you offline? The bundled models work without a network`);
      }
    } else throw new Error(`unknown model ${kind}`);
  }
  return state.classifiers.get(kind)!;
}

function sceneModels() {
  if (!state.scenes) {
    state.scenes = (async () => {
      const mod = await import('@gradcam/scenes');
      const models = await mod.loadSceneModels({ dir: `${GEN}models/scenes` });
      return { mod, models };
    })();
    state.scenes.catch(() => (state.scenes = undefined));
  }
  return state.scenes;
}

/** The 64×64 scene-model view of the current image, values in [0, 1]. */
function sceneImage(image: RgbImage, size: number) {
  const { tensor, region } = preprocessImage(image, { size: [size, size], range: [0, 1], fit: 'fill' });
  const data = tensor.dataSync() as Float32Array;
  tensor.dispose();
  return { scene: { width: size, height: size, image: new Float32Array(data) }, region };
}

// ---------------------------------------------------------------- transformers.js captioners

/** The parts of transformers.js's `env` set here (its declarations make some of them read-only). */
interface TransformersEnv {
  allowLocalModels: boolean;
  allowRemoteModels: boolean;
  localModelPath: string;
  remoteHost: string;
  useBrowserCache: boolean;
  backends: { onnx: { wasm: { wasmPaths?: string | Record<string, string> } } };
}

/**
 * Reads the model field: a URL (`http(s)://…`, or a path such as `/models/tiny-vit-gpt2/`, resolved
 * against the page) names a model folder in transformers.js layout; `owner/name` a Hugging Face Hub id.
 */
function captionSource(text: string): CaptionSource {
  const s = text.trim();
  if (!s) throw new Error('enter a Hugging Face model id (e.g. Xenova/vit-gpt2-image-captioning) or the URL of a model folder (e.g. /models/tiny-vit-gpt2/)');
  if (/^(https?:)?\/\//i.test(s) || /^\.{0,2}\//.test(s)) {
    let u: URL;
    try {
      u = new URL(s, location.href);
    } catch {
      throw new Error(`${s} is not a valid URL`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`${s}: only http(s) model folders can be loaded`);
    u.search = '';
    u.hash = '';
    if (!u.pathname.endsWith('/')) u.pathname += '/';
    const name = u.pathname.split('/').filter(Boolean).pop();
    if (!name) throw new Error(`${s}: name the model folder itself, e.g. /models/tiny-vit-gpt2/`);
    return { kind: 'folder', url: u.href, parent: new URL('../', u).href, name };
  }
  if (/^[\w.-]+(\/[\w.-]+)?$/.test(s)) return { kind: 'hub', id: s };
  throw new Error(`“${s}” is neither a Hugging Face model id (owner/name) nor an http(s) URL of a model folder`);
}

/** transformers.js, set up for this page: ONNX Runtime's wasm binaries come from the app itself, never a CDN. */
async function transformersEnv(): Promise<TransformersEnv> {
  const env = (await import('@xenova/transformers')).env as unknown as TransformersEnv;
  env.backends.onnx.wasm.wasmPaths = `${GEN}ort-wasm/`;
  return env;
}

function progressReporter(): (p: unknown) => void {
  return (p) => {
    const { status, file, progress } = p as { status?: string; file?: string; progress?: number };
    if (status === 'progress' && file && typeof progress === 'number') $('busy').textContent = `· loading ${file} ${progress.toFixed(0)}%…`;
  };
}

/**
 * The captioner of `source` (the transformers.js `image-to-text` pipeline plus the same ONNX files on
 * tfjs), loaded once and kept; a different source frees the previous one first.
 */
async function transformersCaptioner(source: CaptionSource): Promise<Captioner> {
  const key = source.kind === 'hub' ? `hub:${source.id}` : `url:${source.url}`;
  if (state.captioner?.key === key) return state.captioner.loading;
  const previous = state.captioner;
  state.captioner = undefined;
  if (previous) await previous.loading.then((c) => c.dispose(), () => undefined);
  const loading = (async () => {
    const [{ loadCaptioner }, env] = await Promise.all([import('@gradcam/captioning'), transformersEnv()]);
    const load = { progress_callback: progressReporter() };
    if (source.kind === 'folder') {
      let res: Response;
      try {
        res = await fetch(`${source.url}config.json`);
      } catch (e) {
        throw new Error(`the model folder ${source.url} is unreachable (${message(e)})`);
      }
      if (!res.ok) throw new Error(`no transformers.js model at ${source.url} (its config.json answered HTTP ${res.status})`);
      // "local" models in the browser are URLs: <localModelPath>/<name>/<file>; nothing else is tried.
      env.allowLocalModels = true;
      env.localModelPath = source.parent;
      env.allowRemoteModels = false;
      env.useBrowserCache = false;
      try {
        return await loadCaptioner(source.name, load);
      } catch (e) {
        throw new Error(`the model folder ${source.url} could not be opened as a transformers.js captioner: ${message(e)}`);
      }
    }
    env.allowLocalModels = false; // a Hub id is never looked up on this page's own server
    env.allowRemoteModels = true;
    env.remoteHost = 'https://huggingface.co/';
    env.useBrowserCache = typeof caches !== 'undefined'; // the Cache API (secure pages only) keeps the download
    if (!navigator.onLine) throw new Error(`no network: ${source.id} is downloaded from the Hugging Face Hub; a model folder served over http works offline`);
    try {
      return await loadCaptioner(source.id, load);
    } catch (e) {
      const network = e instanceof TypeError && /fetch|network/i.test(e.message);
      throw new Error(
        `${source.id} could not be loaded from the Hugging Face Hub (${message(e)})${network ? '; are you offline? A model folder served over http works offline' : ''}`,
      );
    }
  })();
  state.captioner = { key, loading };
  loading.catch(() => {
    if (state.captioner?.loading === loading) state.captioner = undefined;
  });
  return loading;
}

async function explainTransformersCaption(image: RgbImage, method: MethodId): Promise<{ shown: Shown[]; info: string }> {
  const source = captionSource($<HTMLInputElement>('caption-source').value);
  const captioner = await transformersCaptioner(source);
  const { explainCaption } = await import('@gradcam/captioning');
  $('busy').textContent = '· captioning and explaining…';
  // Decoded RGB pixels: the pipeline's own processor resizes them (as it would any image).
  const r = await explainCaption({ width: image.width, height: image.height, data: image.data, channels: 3 }, { model: captioner, method });
  const name = source.kind === 'hub' ? source.id : source.url;
  const words = r.words.map((w) => ({ text: w.text, probability: w.probability }));
  state.caption = { model: name, text: r.caption, words };
  showCaption(words, 'transformers.js');
  return {
    shown: r.words.map((w) => ({
      id: `word-${w.index}`,
      label: `“${w.text}”`,
      detail: `word ${w.index + 1} · p = ${pct(w.probability)} · log p ${fmt(w.logProbability)}`,
      map: { width: w.width, height: w.height, data: w.map },
      region: r.region,
    })),
    info: `transformers.js ${name} · ${r.files.encoder} + ${r.files.decoder} · cut at ${r.layer.join(', ')}`,
  };
}

// ---------------------------------------------------------------- explaining

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));
const pct = (p: number) => (p >= 0.001 ? `${(p * 100).toFixed(1)}%` : `${(p * 100).toPrecision(2)}%`);

async function explainCurrent(): Promise<void> {
  clearError();
  const image = state.image;
  if (!image) return showError('Pick a sample or an image first');
  const task = $<HTMLSelectElement>('task').value;
  const kind = $<HTMLSelectElement>('model').value;
  const method = $<HTMLSelectElement>('method').value as MethodId;
  const top = Math.max(1, Math.min(6, Number($<HTMLInputElement>('top').value) || 3));
  await busy('explaining', async () => {
    const t0 = performance.now();
    let shown: Shown[] = [];
    let info = '';
    $('caption-line').hidden = true;
    state.pinned = undefined;
    state.caption = undefined;
    if (task === 'captioning' && $<HTMLSelectElement>('caption-model').value === 'transformers') {
      ({ shown, info } = await explainTransformersCaption(image, method));
    } else if (task === 'classification' && kind !== 'scenes') {
      const classifier = await getClassifier(kind);
      const img = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
      try {
        const r = await explainClassification(classifier, img, { top, method });
        shown = r.explanations.map((e) => ({
          id: `class-${e.index}`,
          label: e.label,
          detail: `p = ${(e.probability * 100).toFixed(1)}% · ${r.scoreSource} ${fmt(e.score)}`,
          map: { width: e.width, height: e.height, data: e.map },
        }));
        info = `${classifier.name} · layer ${r.layer.join(', ')}`;
      } finally {
        img.dispose();
      }
    } else {
      const { mod, models } = await sceneModels();
      const { scene, region } = sceneImage(image, mod.SCENE_SIZE);
      if (task === 'classification') {
        const r = await mod.explainSceneClass(models.classifier, scene, { method });
        const order = [...r.explanations].sort((a, b) => b.probability - a.probability).slice(0, Math.max(top, r.predicted.length));
        shown = order.map((e) => ({ id: `class-${e.classIndex}`, label: e.name, detail: `p = ${(e.probability * 100).toFixed(1)}% · logit ${fmt(e.score)}`, map: e.map, region }));
        info = `scene classifier · layer ${mod.CLASSIFIER_LAYER}`;
      } else if (task === 'captioning') {
        const r = await mod.explainSceneCaption(models.captioner, scene, { method });
        shown = r.words.map((w) => ({ id: `word-${w.position}`, label: `“${w.word}”`, detail: `word ${w.position + 1} · log p ${fmt(w.score)}`, map: w.map, region }));
        const words = r.words.map((w) => ({ text: w.word, probability: Math.exp(w.score) }));
        state.caption = { model: 'scene', text: words.map((w) => w.text).join(' '), words };
        showCaption(words, 'the scene captioner');
        info = `scene captioner · layer ${mod.CAPTIONER_LAYER}`;
      } else {
        const q = $<HTMLInputElement>('question').value;
        const r = await mod.explainSceneAnswer(models.vqa, scene, q, { method });
        shown = [{ id: `answer-${r.answer}`, label: `answer: ${r.answer}`, detail: `p = ${(r.probability * 100).toFixed(1)}% · logit ${fmt(r.score)}`, map: r.map, region }];
        info = `scene VQA · “${r.question}” · layer ${mod.VQA_LAYER}`;
      }
    }
    state.shown = shown;
    $('results-info').textContent = `${info} · ${method} · ${((performance.now() - t0) / 1000).toFixed(1)} s on ${tf.getBackend()}`;
    renderResults();
  });
}

/** The caption as word chips under the input: hover (or focus) a word to see its map, click to pin it. */
function showCaption(words: CaptionWord[], by: string): void {
  const line = $('caption-line');
  line.innerHTML = '';
  const lead = document.createElement('span');
  lead.className = 'lead';
  lead.textContent = `Caption by ${by} · hover a word to see its map, click to pin it`;
  line.append(lead);
  words.forEach((w, i) => {
    const id = `word-${i}`;
    const chip = document.createElement('button');
    chip.type = 'button';
    chip.className = 'word';
    chip.dataset['target'] = id;
    chip.dataset['word'] = w.text;
    chip.setAttribute('aria-pressed', 'false');
    const text = document.createElement('span');
    text.textContent = w.text;
    chip.append(text);
    if (w.probability !== undefined) {
      chip.dataset['probability'] = String(w.probability);
      chip.title = `p(“${w.text}” | image, previous words) = ${pct(w.probability)}`;
      const p = document.createElement('small');
      p.textContent = pct(w.probability);
      chip.append(p);
    }
    chip.addEventListener('mouseenter', () => focusResult(id, true));
    chip.addEventListener('mouseleave', () => focusResult(id, false));
    chip.addEventListener('focus', () => focusResult(id, true));
    chip.addEventListener('blur', () => focusResult(id, false));
    chip.addEventListener('click', () => {
      state.pinned = state.pinned === id ? undefined : id;
      focusResult(id, true);
    });
    line.append(chip);
  });
  line.hidden = false;
}

/**
 * Highlights result `id` (while hovered; else the pinned one, if any): its card, its word chip, and its
 * map drawn over the input image.
 */
function focusResult(id: string | undefined, on: boolean): void {
  const active = on ? id : state.pinned;
  for (const card of document.querySelectorAll<HTMLElement>('.result')) card.classList.toggle('focus', active !== undefined && card.dataset['target'] === active);
  for (const chip of document.querySelectorAll<HTMLElement>('#caption-line .word')) {
    chip.classList.toggle('focus', active !== undefined && chip.dataset['target'] === active);
    const pinned = state.pinned !== undefined && chip.dataset['target'] === state.pinned;
    chip.classList.toggle('pinned', pinned);
    chip.setAttribute('aria-pressed', String(pinned));
  }
  const s = active === undefined ? undefined : state.shown.find((x) => x.id === active);
  if (state.image) drawImage($<HTMLCanvasElement>('input-canvas'), s ? overlay(state.image, s) : state.image);
}

function overlay(image: RgbImage, s: Shown): RgbImage {
  const colormap = $<HTMLSelectElement>('colormap').value as ColormapName;
  const alpha = Number($<HTMLInputElement>('alpha').value);
  return overlayHeatmap(image, s.map, { colormap, alpha, ...(s.region ? { region: s.region } : {}) });
}

function renderResults(): void {
  const box = $('results');
  box.innerHTML = '';
  box.classList.toggle('compact', state.shown.length > 6);
  const image = state.image;
  if (!image || state.shown.length === 0) {
    box.innerHTML = '<p class="note">Nothing to show.</p>';
    return;
  }
  for (const s of state.shown) {
    const card = document.createElement('figure');
    card.className = 'result';
    card.dataset['target'] = s.id;
    card.dataset['label'] = s.label;
    const canvas = document.createElement('canvas');
    canvas.className = 'overlay';
    const img = overlay(image, s);
    drawImage(canvas, img);
    const cap = document.createElement('figcaption');
    cap.innerHTML = `<strong></strong><span></span>`;
    cap.querySelector('strong')!.textContent = s.label;
    cap.querySelector('span')!.textContent = s.detail;
    const dl = document.createElement('button');
    dl.type = 'button';
    dl.className = 'download';
    dl.textContent = 'Download PNG';
    dl.addEventListener('click', () => void download(s));
    card.addEventListener('mouseenter', () => focusResult(s.id, true));
    card.addEventListener('mouseleave', () => focusResult(s.id, false));
    card.append(canvas, cap, dl);
    box.append(card);
  }
  focusResult(undefined, false); // redraws a pinned word's map with the current colormap / opacity
}

async function download(s: Shown): Promise<void> {
  try {
    if (!state.image) return;
    const bytes = await encodeImage(overlay(state.image, s), 'png');
    const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'image/png' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${state.imageName.replace(/\.[^.]+$/, '')}-${s.label.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}.png`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (e) {
    showError('Download failed', e);
  }
}

// ---------------------------------------------------------------- controls

function updateControls(): void {
  const task = $<HTMLSelectElement>('task').value;
  const model = $<HTMLSelectElement>('model');
  const transformers = task === 'captioning' && $<HTMLSelectElement>('caption-model').value === 'transformers';
  $('model-row').hidden = task !== 'classification';
  $('caption-model-row').hidden = task !== 'captioning';
  $('caption-source-row').hidden = !transformers;
  $('question-row').hidden = task !== 'vqa';
  $('local-row').hidden = !(task === 'classification' && model.value === 'local');
  $('top').closest('label')!.hidden = task !== 'classification';
  const m = state.manifest;
  const sceneReady = task === 'classification' ? (model.value === 'scenes' ? m.classifier : true) : task === 'captioning' ? transformers || m.captioner : m.vqa;
  const notes: Record<string, string> = {
    colours: 'A tiny hand-weighted CNN (6 classes: red, green, blue, yellow, magenta, cyan objects) bundled with the app: its maps are known in advance.',
    mobilenet: 'ImageNet MobileNet v2 from TF Hub (needs a network once).',
    local: 'A tfjs layers or graph model exported for the browser; pick model.json and its weights files together.',
    scenes: 'The scene world classifier (24 colour–shape labels), 64×64 input.',
  };
  $('model-note').textContent = !sceneReady
    ? `The scene ${task === 'classification' ? 'classifier' : task === 'captioning' ? 'captioner' : 'VQA model'} is not bundled yet (train it with npm run train -w @gradcam/scenes and rebuild).`
    : task === 'classification'
      ? notes[model.value] ?? ''
      : transformers
        ? 'A Hugging Face id (downloaded from the Hub once, then cached by the browser) or the URL of a model folder in transformers.js layout. transformers.js writes the caption; each word is explained on the same ONNX files with TensorFlow.js.'
        : task === 'captioning'
          ? 'Show-and-Tell captioner of the scene world: one map per word.'
          : 'FiLM VQA model of the scene world: the map of its answer.';
  $<HTMLButtonElement>('run').dataset['unavailable'] = sceneReady ? '' : 'yes';
  $<HTMLButtonElement>('run').disabled = !sceneReady || state.busy;
}

async function init(): Promise<void> {
  const method = $<HTMLSelectElement>('method');
  for (const id of Object.keys(METHODS)) method.add(new Option(id, id, id === 'gradcam', id === 'gradcam'));
  const colormap = $<HTMLSelectElement>('colormap');
  for (const c of COLORMAPS) colormap.add(new Option(c, c, c === 'jet', c === 'jet'));
  $<HTMLInputElement>('alpha').addEventListener('input', () => {
    $('alpha-value').textContent = Number($<HTMLInputElement>('alpha').value).toFixed(2);
    renderResults();
  });
  colormap.addEventListener('change', renderResults);
  for (const id of ['task', 'model', 'caption-model']) $(id).addEventListener('change', updateControls);
  $('run').addEventListener('click', () => void explainCurrent());
  $<HTMLInputElement>('file').addEventListener('change', (ev) => {
    const f = (ev.target as HTMLInputElement).files?.[0];
    if (f) void openFile(f);
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (ev) => {
    ev.preventDefault();
    drop.classList.remove('over');
    const f = ev.dataTransfer?.files?.[0];
    if (f) void openFile(f);
  });

  try {
    const res = await fetch(`${GEN}models/scenes/manifest.json`);
    if (res.ok) state.manifest = (await res.json()) as SceneManifest;
  } catch {
    /* no scene models */
  }
  const sceneOpt = [...$<HTMLSelectElement>('model').options].find((o) => o.value === 'scenes')!;
  sceneOpt.disabled = !state.manifest.classifier;
  if (!state.manifest.classifier) sceneOpt.textContent += ' — not trained yet';
  const vqaOpt = [...$<HTMLSelectElement>('task').options].find((x) => x.value === 'vqa')!;
  vqaOpt.disabled = !state.manifest.vqa;
  if (!state.manifest.vqa) vqaOpt.textContent += ' — not trained yet';
  // Captioning always works with a transformers.js model; the scene captioner once it is trained.
  const sceneCaptioner = [...$<HTMLSelectElement>('caption-model').options].find((o) => o.value === 'scene')!;
  sceneCaptioner.disabled = !state.manifest.captioner;
  if (!state.manifest.captioner) {
    sceneCaptioner.textContent += ' — not trained yet';
    $<HTMLSelectElement>('caption-model').value = 'transformers';
  }
  updateControls();

  try {
    await startBackend();
  } catch (e) {
    $('backend').textContent = 'none';
    showError('No TensorFlow.js backend could start', e);
  }
  try {
    const samples = await loadSamples();
    if (samples[0]) showInput(await decodeImage(`${GEN}${samples[0].file}`, samples[0].name), samples[0].name, samples[0]);
  } catch (e) {
    showError('The bundled samples could not be loaded', e);
  }
  (window as unknown as { gradcamDemo: { ready: boolean } }).gradcamDemo.ready = true;
  document.body.dataset['ready'] = 'yes';
}

void init().catch((e) => showError('The page could not start', e));
