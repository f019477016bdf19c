// The editor's calls to the ldb server. Every change names the HEAD it was made on; a stale one comes back
// as an ApiError with status 409 and the new head.

export class ApiError extends Error {
  constructor(status, message, head) {
    super(message);
    this.status = status;
    this.head = head;
  }
}

// JSON.parse, with seeds kept exact (BigInt) where the browser gives the number's source text.
function parseJSON(text) {
  return JSON.parse(text, (key, value, context) => {
    if (key === 'seed' && typeof value === 'number' && context && context.source) return BigInt(context.source);
    return value;
  });
}

function stringify(body) {
  return JSON.stringify(body, (key, value) => (typeof value === 'bigint' ? value.toString() : value));
}

async function call(method, path, body) {
  const options = { method, headers: {}, credentials: 'same-origin' };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = stringify(body);
  }
  const response = await fetch(path, options);
  const type = response.headers.get('Content-Type') || '';
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    let head;
    if (type.startsWith('application/json')) {
      const error = parseJSON(await response.text());
      message = error.error || message;
      head = error.head;
    }
    throw new ApiError(response.status, message, head);
  }
  if (type.startsWith('application/json')) return parseJSON(await response.text());
  return response.blob();
}

const enc = encodeURIComponent;

export class Api {
  constructor(project) {
    this.project = project;
    this.base = `/api/projects/${enc(project)}`;
  }

  static listProjects() { return call('GET', '/api/projects'); }
  static createProject(fields) { return call('POST', '/api/projects', fields); }

  info() { return call('GET', this.base); }
  history() { return call('GET', `${this.base}/history`); }
  setSettings(head, fields) { return call('PATCH', `${this.base}/settings`, { base: head, ...fields }); }
  addLayer(head, fields = {}) { return call('POST', `${this.base}/layers`, { base: head, ...fields }); }
  setLayer(head, layer, fields) { return call('PATCH', `${this.base}/layers/${layer}`, { base: head, ...fields }); }
  deleteLayer(head, layer) { return call('DELETE', `${this.base}/layers/${layer}?base=${head}`); }
  duplicateLayer(head, layer) { return call('POST', `${this.base}/layers/${layer}/duplicate`, { base: head }); }
  moveLayer(head, layer, to) { return call('POST', `${this.base}/layers/${layer}/move`, { base: head, to }); }
  undo(head) { return call('POST', `${this.base}/undo`, { base: head }); }
  redo(head) { return call('POST', `${this.base}/redo`, { base: head }); }
  checkout(head, revision) { return call('POST', `${this.base}/checkout`, { base: head, revision }); }
  tag(name, revision) { return call('POST', `${this.base}/tags`, { name, revision }); }
  maskURL(layer) { return `${this.base}/layers/${layer}/mask.png`; }
  // quality: 'preview' (the live preview) or 'final' (full mode, the model's VAE).
  render(head, quality = 'preview') { return call('GET', `${this.base}/render.png?head=${head}&quality=${quality}`); }
  previewLayer(head, layer, fields) {
    return call('POST', `${this.base}/layers/${layer}/preview`, { base: head, ...fields });
  }
  original() { return call('GET', `${this.base}/original.png`); }

  // Opens the project's event socket; `onEvent` gets each parsed event. Reconnects after a drop.
  listen(onEvent) {
    let closed = false;
    let socket;
    const open = () => {
      socket = new WebSocket(`ws://${location.host}${this.base}/events`);
      socket.onmessage = (message) => onEvent(parseJSON(message.data));
      socket.onclose = () => { if (!closed) setTimeout(open, 1000); };
    };
    open();
    return () => { closed = true; socket.close(); };
  }
}

// The PNG in `blob` as base64 text.
export function base64(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(',')[1]);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}
