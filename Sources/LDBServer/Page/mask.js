// Painting a layer's mask: brush, eraser (also the right button), box from the centre, fill, clear, invert.
// The mask lives in an offscreen canvas at the project's size, white with alpha = mask value; the overlay
// canvas shows it tinted. A stroke commits when the pointer goes up (`onCommit` receives a PNG blob); while it
// is drawn, `onStroke` receives the mask as it would be, a few times a second, for a live preview.

export class MaskPainter {
  constructor(overlay, { onCommit, onStroke }) {
    this.overlay = overlay;
    this.onCommit = onCommit;
    this.onStroke = onStroke;
    this.strokeTimer = null;
    this.mask = document.createElement('canvas');
    this.stroke = document.createElement('canvas');
    this.tool = 'brush';
    this.size = 32;
    this.hardness = 0.7;
    this.opacity = 1;
    this.showOverlay = true;
    this.enabled = false;
    this.active = null;
    overlay.addEventListener('pointerdown', (event) => this.down(event));
    overlay.addEventListener('pointermove', (event) => this.move(event));
    overlay.addEventListener('pointerup', (event) => this.up(event));
    overlay.addEventListener('pointercancel', () => this.cancel());
    overlay.addEventListener('contextmenu', (event) => event.preventDefault());
  }

  resize(width, height) {
    for (const canvas of [this.mask, this.stroke, this.overlay]) {
      canvas.width = width;
      canvas.height = height;
    }
    this.draw();
  }

  // Loads a gray mask PNG (255 = edit) into the mask canvas.
  async load(url) {
    const image = new Image();
    image.src = url;
    await image.decode();
    const { width, height } = this.mask;
    const scratch = document.createElement('canvas');
    scratch.width = width;
    scratch.height = height;
    const scratchContext = scratch.getContext('2d', { willReadFrequently: true });
    scratchContext.drawImage(image, 0, 0, width, height);
    const pixels = scratchContext.getImageData(0, 0, width, height);
    const data = pixels.data;
    for (let index = 0; index < data.length; index += 4) {
      const value = data[index];
      data[index] = data[index + 1] = data[index + 2] = 255;
      data[index + 3] = value;
    }
    this.mask.getContext('2d').putImageData(pixels, 0, 0);
    this.draw();
  }

  clearMask() {
    this.mask.getContext('2d').clearRect(0, 0, this.mask.width, this.mask.height);
    this.draw();
  }

  point(event) {
    const box = this.overlay.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) / box.width) * this.overlay.width,
      y: ((event.clientY - box.top) / box.height) * this.overlay.height,
      pressure: event.pointerType === 'pen' && event.pressure > 0 ? event.pressure : 1,
    };
  }

  down(event) {
    if (!this.enabled || (event.button !== 0 && event.button !== 2)) return;
    event.preventDefault();
    this.overlay.setPointerCapture(event.pointerId);
    const start = this.point(event);
    const erase = event.button === 2 || this.tool === 'eraser';
    this.active = { erase, box: this.tool === 'box', start, last: start };
    this.stroke.getContext('2d').clearRect(0, 0, this.stroke.width, this.stroke.height);
    if (!this.active.box) this.dab(start);
    this.draw();
  }

  move(event) {
    if (!this.active) return;
    const point = this.point(event);
    if (this.active.box) {
      this.active.last = point;
      const context = this.stroke.getContext('2d');
      context.clearRect(0, 0, this.stroke.width, this.stroke.height);
      const halfWidth = Math.abs(point.x - this.active.start.x);
      const halfHeight = Math.abs(point.y - this.active.start.y);
      context.fillStyle = '#fff';
      context.fillRect(this.active.start.x - halfWidth, this.active.start.y - halfHeight, 2 * halfWidth, 2 * halfHeight);
    } else {
      // Dabs a quarter of the radius apart along the segment.
      const last = this.active.last;
      const distance = Math.hypot(point.x - last.x, point.y - last.y);
      const spacing = Math.max(1, (this.size * point.pressure) / 8);
      for (let travelled = spacing; travelled <= distance; travelled += spacing) {
        const t = travelled / distance;
        this.dab({
          x: last.x + (point.x - last.x) * t,
          y: last.y + (point.y - last.y) * t,
          pressure: last.pressure + (point.pressure - last.pressure) * t,
        });
      }
      if (distance >= spacing) this.active.last = point;
    }
    this.draw();
    this.previewSoon();
  }

  // Sends the mask with the stroke so far to `onStroke`, at most every 250 ms, while the stroke lasts.
  previewSoon() {
    if (!this.onStroke || this.strokeTimer) return;
    this.strokeTimer = setTimeout(() => {
      this.strokeTimer = null;
      if (!this.active) return;
      const canvas = document.createElement('canvas');
      canvas.width = this.mask.width;
      canvas.height = this.mask.height;
      const context = canvas.getContext('2d');
      context.drawImage(this.mask, 0, 0);
      this.applyStroke(context, this.active.erase);
      canvas.toBlob((blob) => { if (this.active) this.onStroke(blob); }, 'image/png');
    }, 250);
  }

  // Draws the stroke under way onto `context` (a copy of the mask, or the mask itself).
  applyStroke(context, erase) {
    context.save();
    context.globalAlpha = this.opacity;
    context.globalCompositeOperation = erase ? 'destination-out' : 'source-over';
    context.drawImage(this.stroke, 0, 0);
    context.restore();
  }

  dab({ x, y, pressure }) {
    const radius = Math.max(0.5, (this.size * pressure) / 2);
    const context = this.stroke.getContext('2d');
    const gradient = context.createRadialGradient(x, y, 0, x, y, radius);
    gradient.addColorStop(0, 'rgba(255,255,255,1)');
    gradient.addColorStop(Math.min(0.999, this.hardness), 'rgba(255,255,255,1)');
    gradient.addColorStop(1, 'rgba(255,255,255,0)');
    context.fillStyle = gradient;
    context.beginPath();
    context.arc(x, y, radius, 0, Math.PI * 2);
    context.fill();
  }

  up(event) {
    if (!this.active) return;
    this.move(event);
    const { erase } = this.active;
    this.active = null;
    this.applyStroke(this.mask.getContext('2d'), erase);
    this.stroke.getContext('2d').clearRect(0, 0, this.stroke.width, this.stroke.height);
    this.draw();
    this.commit();
  }

  cancel() {
    this.active = null;
    this.stroke.getContext('2d').clearRect(0, 0, this.stroke.width, this.stroke.height);
    this.draw();
  }

  fill() {
    const context = this.mask.getContext('2d');
    context.fillStyle = '#fff';
    context.fillRect(0, 0, this.mask.width, this.mask.height);
    this.draw();
    this.commit();
  }

  clear() {
    this.clearMask();
    this.commit();
  }

  invert() {
    const context = this.mask.getContext('2d', { willReadFrequently: true });
    const pixels = context.getImageData(0, 0, this.mask.width, this.mask.height);
    const data = pixels.data;
    for (let index = 0; index < data.length; index += 4) {
      data[index] = data[index + 1] = data[index + 2] = 255;
      data[index + 3] = 255 - data[index + 3];
    }
    context.putImageData(pixels, 0, 0);
    this.draw();
    this.commit();
  }

  commit() {
    this.mask.toBlob((blob) => this.onCommit(blob), 'image/png');
  }

  // The overlay: the mask and the stroke under way, tinted.
  draw() {
    const context = this.overlay.getContext('2d');
    context.clearRect(0, 0, this.overlay.width, this.overlay.height);
    if (!this.showOverlay && !this.active) return;
    context.save();
    context.globalAlpha = 0.45;
    context.drawImage(this.mask, 0, 0);
    if (this.active) {
      context.globalAlpha = 0.45 * this.opacity;
      context.globalCompositeOperation = this.active.erase ? 'destination-out' : 'source-over';
      context.drawImage(this.stroke, 0, 0);
    }
    context.globalAlpha = 1;
    context.globalCompositeOperation = 'source-in';
    context.fillStyle = '#ff3b6b';
    context.fillRect(0, 0, this.overlay.width, this.overlay.height);
    context.restore();
  }
}
