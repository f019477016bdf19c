// The layered brush editor: wires the page to the ldb server (api.js), the mask painter (mask.js) and the
// history graph (history.js). State comes only from the server: every change answers with the project at
// its new HEAD, and the event socket says when something else (another tab, the CLI) changed it.

import { Api, ApiError, base64 } from './api.js';
import { MaskPainter } from './mask.js';
import { drawHistory } from './history.js';

const $ = (id) => document.getElementById(id);

const state = {
  api: null,
  project: null,      // the project at HEAD, as GET /api/projects/{project} answers
  selected: null,     // the selected layer's id
  stopListening: null,
  renderedHead: null,
  renderURL: null,
  busy: 0,
};

const painter = new MaskPainter($('overlay'), {
  onCommit: (blob) => commitMask(blob),
  onStroke: async (blob) => previewLayer({ mask_png: await base64(blob) }),
});

// MARK: Messages and progress

function say(text, isError = false) {
  const box = $('message');
  box.textContent = text;
  box.className = isError ? 'error' : '';
  box.hidden = !text;
  clearTimeout(say.timer);
  if (text) say.timer = setTimeout(() => { box.hidden = true; }, 6000);
}

function progress(fraction, text) {
  $('progress-bar').style.width = `${Math.round(fraction * 100)}%`;
  $('progress-text').textContent = text;
}

// MARK: Loading

async function openProject(name) {
  if (state.stopListening) state.stopListening();
  state.api = new Api(name);
  state.selected = null;
  state.renderedHead = null;
  history.replaceState(null, '', `/?project=${encodeURIComponent(name)}`);
  state.stopListening = state.api.listen(onEvent);
  await reload();
}

async function reload() {
  show(await state.api.info());
}

// Shows the project at its new HEAD: panels, mask, history, render.
function show(project) {
  const sizeChanged = !state.project || state.project.width !== project.width || state.project.height !== project.height
    || state.project.project !== project.project;
  state.project = project;
  if (sizeChanged) {
    painter.resize(project.width, project.height);
    $('canvas-wrap').style.setProperty('--aspect', `${project.width} / ${project.height}`);
  }
  if (!project.layers.some((layer) => layer.id === state.selected)) {
    state.selected = project.layers.length ? project.layers[project.layers.length - 1].id : null;
  }
  document.body.dataset.head = project.head;
  showLayers();
  showLayerControls();
  showBaseSettings();
  loadMask();
  refreshHistory();
  requestRender();
}

function selectedLayer() {
  return state.project?.layers.find((layer) => layer.id === state.selected) ?? null;
}

async function loadMask() {
  const layer = selectedLayer();
  painter.enabled = !!layer;
  if (!layer) {
    painter.clearMask();
    return;
  }
  const hash = layer.mask_sha256;
  if (painter.loadedHash === hash) return;
  painter.loadedHash = hash;
  await painter.load(`${state.api.maskURL(layer.id)}?sha=${hash}`);
}

async function refreshHistory() {
  const history = await state.api.history();
  drawHistory($('history'), history, (revision) => change((head) => state.api.checkout(head, revision)));
}

// MARK: Rendering

let renderToken = 0;

// Shows a rendered picture; `kind` is 'preview', 'final' or 'edit' (an uncommitted edit's preview).
function showPicture(blob, kind) {
  if (state.renderURL) URL.revokeObjectURL(state.renderURL);
  state.renderURL = URL.createObjectURL(blob);
  $('render').src = state.renderURL;
  document.body.dataset.renderKind = kind;
}

// Renders HEAD: the live preview (region mode and preview decoder as the project and server say), or the final
// render in full mode with the model's VAE.
async function requestRender(quality = 'preview') {
  const head = state.project.head;
  if (quality === 'preview' && state.renderedHead === head) return;
  const token = ++renderToken;
  progress(0, quality === 'final' ? 'final render…' : 'rendering…');
  try {
    const blob = await state.api.render(head, quality);
    if (token !== renderToken) return;
    showPicture(blob, quality);
    state.renderedHead = head;
    document.body.dataset.renderedHead = head;
    progress(1, `revision ${head}${quality === 'final' ? ' · final render' : ''}`);
  } catch (error) {
    if (token !== renderToken) return;
    if (error instanceof ApiError && error.status === 409) return;  // a newer edit took over
    progress(0, 'render failed');
    say(error.message, true);
  }
}

// Previews the selected layer with `fields` changed, without a revision (a slider being dragged, a stroke being
// painted). Each newer preview supersedes the one the server is still rendering; the change commits on release.
let previewTimer;
function previewLayer(fields) {
  const layer = selectedLayer();
  if (!layer) return;
  const head = state.project.head;
  clearTimeout(previewTimer);
  previewTimer = setTimeout(async () => {
    if (state.project.head !== head) return;
    const token = ++renderToken;
    try {
      const blob = await state.api.previewLayer(head, layer.id, fields);
      if (token !== renderToken) return;
      showPicture(blob, 'edit');
      state.renderedHead = null;  // the picture is not HEAD's any more
      progress(1, `revision ${head} · previewing an edit`);
    } catch (error) {
      if (token !== renderToken || (error instanceof ApiError && error.status === 409)) return;
      say(error.message, true);
    }
  }, 50);
}

function onEvent(event) {
  // `subscribed` opens every socket: a HEAD that moved while the page was not listening is a change too.
  if ((event.type === 'changed' || event.type === 'subscribed') && state.project && event.head !== state.project.head) {
    reload();
  } else if (event.type === 'changed') {
    refreshHistory();
  } else if (event.type === 'render' && event.head === state.project?.head) {
    progress(event.total ? event.completed / event.total : 0, `${event.stage} ${event.completed}/${event.total}`);
  }
}

// MARK: Changes

// Runs a change made on the HEAD shown; a stale one reloads the project and says why.
async function change(action) {
  if (!state.project) return;
  try {
    const answer = await action(state.project.head);
    show(answer.project);
    return answer;
  } catch (error) {
    if (error instanceof ApiError && error.status === 409 && error.head !== undefined) {
      say(`${error.message}. The page now shows the project as it is.`);
      await reload();
    } else {
      say(error.message, true);
      if (error instanceof ApiError && error.status === 409) await reload();
    }
  }
}

async function commitMask(blob) {
  const layer = selectedLayer();
  if (!layer) return;
  clearTimeout(previewTimer);
  const png = await base64(blob);
  painter.loadedHash = null;
  await change((head) => state.api.setLayer(head, layer.id, { mask_png: png }));
}

function setLayer(fields) {
  const layer = selectedLayer();
  if (layer) return change((head) => state.api.setLayer(head, layer.id, fields));
}

// MARK: Layers panel

function showLayers() {
  const list = $('layers');
  list.replaceChildren();
  state.project.layers.forEach((layer, index) => {
    const item = document.createElement('li');
    item.dataset.layer = layer.id;
    item.dataset.index = index;
    item.draggable = true;
    item.classList.toggle('selected', layer.id === state.selected);
    item.classList.toggle('hidden-layer', !layer.visible);
    const thumbnail = document.createElement('img');
    thumbnail.src = `${state.api.maskURL(layer.id)}?sha=${layer.mask_sha256}`;
    thumbnail.alt = '';
    const name = document.createElement('span');
    name.className = 'layer-name';
    name.textContent = layer.name;
    name.title = 'Double-click to rename';
    const eye = document.createElement('button');
    eye.className = 'eye';
    eye.type = 'button';
    eye.textContent = layer.visible ? '◉' : '○';  // symbols every system font has
    eye.title = layer.visible ? 'Hide' : 'Show';
    eye.addEventListener('click', (event) => {
      event.stopPropagation();
      change((head) => state.api.setLayer(head, layer.id, { visible: !layer.visible }));
    });
    item.append(thumbnail, name, eye);
    item.addEventListener('click', () => select(layer.id));
    name.addEventListener('dblclick', () => rename(layer));
    item.addEventListener('dragstart', (event) => event.dataTransfer.setData('text/plain', String(layer.id)));
    item.addEventListener('dragover', (event) => { event.preventDefault(); item.classList.add('drop-target'); });
    item.addEventListener('dragleave', () => item.classList.remove('drop-target'));
    item.addEventListener('drop', (event) => {
      event.preventDefault();
      const id = Number(event.dataTransfer.getData('text/plain'));
      if (id !== layer.id) change((head) => state.api.moveLayer(head, id, index));
    });
    list.append(item);
  });
}

function select(id) {
  state.selected = id;
  showLayers();
  showLayerControls();
  loadMask();
}

function rename(layer) {
  const name = prompt('Layer name', layer.name);
  if (name && name !== layer.name) change((head) => state.api.setLayer(head, layer.id, { name }));
}

// MARK: Layer and base controls

const sliders = {
  'layer-strength': 'strength', 'layer-regen': 'regen_steps', 'layer-guidance': 'guidance',
  'layer-opacity': 'opacity', 'layer-feather': 'feather',
};

function showLayerControls() {
  const layer = selectedLayer();
  for (const element of $('layer-controls').querySelectorAll('input, textarea, button')) element.disabled = !layer;
  if (!layer) return;
  $('layer-name').value = layer.name;
  $('layer-prompt').value = layer.prompt;
  $('layer-negative').value = layer.negative_prompt;
  $('layer-seed').value = String(layer.seed);
  $('layer-invert').checked = layer.invert;
  $('layer-regen').min = state.project.blend_steps + 1;
  $('layer-regen').max = state.project.steps;
  for (const [id, field] of Object.entries(sliders)) {
    $(id).value = layer[field];
    $(id).nextElementSibling.value = layer[field];
  }
}

function showBaseSettings() {
  const project = state.project;
  $('base-prompt').value = project.prompt;
  $('base-negative').value = project.negative_prompt;
  $('base-seed').value = project.seed === null ? '' : String(project.seed);
  $('base-seed').disabled = project.seed === null;
  $('base-steps').value = project.steps;
  $('base-blend').value = project.blend_steps;
  $('base-guidance').value = project.guidance;
  $('base-keep').checked = project.keep_background;
  $('base-region').value = project.region;
  $('base-margin').value = project.region_margin;
}

function bindControls() {
  const text = (id, field, apply) => $(id).addEventListener('change', () => apply({ [field]: $(id).value }));
  text('layer-name', 'name', setLayer);
  text('layer-prompt', 'prompt', setLayer);
  text('layer-negative', 'negative_prompt', setLayer);
  $('layer-seed').addEventListener('change', () => setLayer({ seed: $('layer-seed').value.trim() }));
  $('layer-dice').addEventListener('click', () => setLayer({ seed: String(Math.floor(Math.random() * 2 ** 32)) }));
  $('layer-invert').addEventListener('change', () => setLayer({ invert: $('layer-invert').checked }));
  for (const [id, field] of Object.entries(sliders)) {
    // Dragging previews the value without a revision; releasing the slider commits one.
    $(id).addEventListener('input', () => {
      $(id).nextElementSibling.value = $(id).value;
      previewLayer({ [field]: Number($(id).value) });
    });
    $(id).addEventListener('change', () => {
      clearTimeout(previewTimer);
      setLayer({ [field]: Number($(id).value) });
    });
  }
  const setBase = (fields) => change((head) => state.api.setSettings(head, fields));
  text('base-prompt', 'prompt', setBase);
  text('base-negative', 'negative_prompt', setBase);
  $('base-seed').addEventListener('change', () => setBase({ seed: $('base-seed').value.trim() }));
  for (const [id, field] of [['base-steps', 'steps'], ['base-blend', 'blend_steps'], ['base-guidance', 'guidance']]) {
    $(id).addEventListener('change', () => setBase({ [field]: Number($(id).value) }));
  }
  $('base-keep').addEventListener('change', () => setBase({ keep_background: $('base-keep').checked }));
  $('base-region').addEventListener('change', () => setBase({ region: $('base-region').value }));
  $('base-margin').addEventListener('change', () => setBase({ region_margin: Number($('base-margin').value) }));

  $('layer-add').addEventListener('click', async () => {
    const answer = await change((head) => state.api.addLayer(head));
    if (answer) select(answer.project.layers[answer.project.layers.length - 1].id);
  });
  $('layer-duplicate').addEventListener('click', () => {
    const layer = selectedLayer();
    if (layer) change((head) => state.api.duplicateLayer(head, layer.id));
  });
  $('layer-delete').addEventListener('click', () => {
    const layer = selectedLayer();
    if (layer) change((head) => state.api.deleteLayer(head, layer.id));
  });
  $('undo').addEventListener('click', () => change((head) => state.api.undo(head)));
  $('redo').addEventListener('click', () => change((head) => state.api.redo(head)));
  $('final-render').addEventListener('click', () => requestRender('final'));
  // Export saves the final render of HEAD, never a preview.
  $('export').addEventListener('click', async () => {
    if (!state.project) return;
    const head = state.project.head;
    try {
      const url = URL.createObjectURL(await state.api.render(head, 'final'));
      const link = document.createElement('a');
      link.href = url;
      link.download = `${state.project.project.replace(/\.ldbproj$/, '')}-r${head}.png`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (error) {
      say(error.message, true);
    }
  });
  $('tag-add').addEventListener('click', async () => {
    const name = prompt('Tag name for HEAD');
    if (!name) return;
    try {
      await state.api.tag(name, state.project.head);
      refreshHistory();
    } catch (error) {
      say(error.message, true);
    }
  });
}

// MARK: Brush tools

function bindTools() {
  const sizeFromSlider = (value) => Math.round(Math.exp((value / 1000) * Math.log(250)));  // 1 ... 250, log scale
  const update = () => {
    painter.size = sizeFromSlider(Number($('brush-size').value));
    painter.hardness = Number($('brush-hardness').value) / 100;
    painter.opacity = Number($('brush-opacity').value) / 100;
    $('brush-size-value').value = `${painter.size} px`;
    $('brush-hardness-value').value = `${$('brush-hardness').value}%`;
    $('brush-opacity-value').value = `${$('brush-opacity').value}%`;
  };
  for (const id of ['brush-size', 'brush-hardness', 'brush-opacity']) $(id).addEventListener('input', update);
  update();
  for (const radio of document.querySelectorAll('input[name=tool]')) {
    radio.addEventListener('change', () => { painter.tool = radio.value; });
  }
  $('mask-fill').addEventListener('click', () => painter.enabled && painter.fill());
  $('mask-clear').addEventListener('click', () => painter.enabled && painter.clear());
  $('mask-invert').addEventListener('click', () => painter.enabled && painter.invert());
  $('overlay-toggle').addEventListener('change', () => {
    painter.showOverlay = $('overlay-toggle').checked;
    painter.draw();
  });

  // The mouse wheel over the picture steps the selected layer's seed; the change commits once scrolling stops.
  let pendingSeed = null;
  let wheelTimer;
  $('overlay').addEventListener('wheel', (event) => {
    const layer = selectedLayer();
    if (!layer) return;
    event.preventDefault();
    const current = pendingSeed ?? BigInt(layer.seed);
    const next = current + (event.deltaY > 0 ? 1n : -1n);
    if (next < 0n) return;
    pendingSeed = next;
    $('layer-seed').value = String(next);
    clearTimeout(wheelTimer);
    wheelTimer = setTimeout(() => {
      const seed = String(pendingSeed);
      pendingSeed = null;
      setLayer({ seed });
    }, 350);
  }, { passive: false });
}

// MARK: Original view, keyboard

async function showOriginal(on) {
  if (on && !$('original-image').src) {
    try {
      $('original-image').src = URL.createObjectURL(await state.api.original());
    } catch (error) {
      say(error.message, true);
      return;
    }
  }
  $('original-image').hidden = !on;
  $('render').hidden = on;
}

function bindKeys() {
  const button = $('original');
  button.addEventListener('pointerdown', () => showOriginal(true));
  for (const type of ['pointerup', 'pointerleave']) button.addEventListener(type, () => showOriginal(false));
  const typing = (event) => ['INPUT', 'TEXTAREA', 'SELECT'].includes(event.target.tagName) && event.target.type !== 'range'
    && event.target.type !== 'checkbox' && event.target.type !== 'radio';
  document.addEventListener('keydown', (event) => {
    if (typing(event)) return;
    const key = event.key.toLowerCase();
    if ((event.ctrlKey || event.metaKey) && key === 'z') {
      event.preventDefault();
      change((head) => (event.shiftKey ? state.api.redo(head) : state.api.undo(head)));
    } else if ((event.ctrlKey || event.metaKey) && key === 'y') {
      event.preventDefault();
      change((head) => state.api.redo(head));
    } else if (key === 'o' && !event.repeat && !event.ctrlKey && !event.metaKey) {
      showOriginal(true);
    }
  });
  document.addEventListener('keyup', (event) => {
    if (event.key.toLowerCase() === 'o') showOriginal(false);
  });
}

// MARK: Projects

async function bindProjects() {
  const list = await Api.listProjects();
  const select = $('project-select');
  select.replaceChildren(...list.projects.map((name) => new Option(name, name)));
  $('new-project').disabled = !list.can_create;
  select.addEventListener('change', () => {
    $('original-image').removeAttribute('src');
    openProject(select.value);
  });
  $('new-project').addEventListener('click', () => $('new-dialog').showModal());
  $('new-dialog').addEventListener('close', async () => {
    if ($('new-dialog').returnValue !== 'create') return;
    const form = new FormData($('new-form'));
    const fields = { name: String(form.get('name')) };
    const file = form.get('image');
    if (file && file.size) {
      fields.image_png = await base64(file);
    } else {
      fields.prompt = String(form.get('prompt'));
      if (String(form.get('seed')).trim()) fields.seed = String(form.get('seed')).trim();
      const [width, height] = String(form.get('size')).split('x').map(Number);
      Object.assign(fields, { width, height });
    }
    try {
      const answer = await Api.createProject(fields);
      select.append(new Option(answer.project.project, answer.project.project));
      select.value = answer.project.project;
      openProject(answer.project.project);
    } catch (error) {
      say(error.message, true);
    }
  });
  const wanted = new URLSearchParams(location.search).get('project');
  const first = list.projects.includes(wanted) ? wanted : list.projects[0];
  if (first) {
    select.value = first;
    await openProject(first);
  } else {
    say('No project here yet: create one with New…');
  }
}

bindControls();
bindTools();
bindKeys();
bindProjects().then(() => { document.body.dataset.ready = 'true'; }, (error) => say(error.message, true));
