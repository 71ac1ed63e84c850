// The drawing pad: a canvas drawn on with the mouse, a finger or a pen through Pointer Events
// (one pointer at a time; `touch-action: none` in digits.css keeps a phone from scrolling while
// a finger draws). Ink is black on a transparent canvas, so the alpha channel is the ink: 0
// where nothing was drawn, 1 where the stroke is solid. The pad knows nothing of the network:
// it says when the ink changed (`onInk`), and hands out its pixels (`ink()`).

export class Pad {
  /// `canvas` the pad; `onInk(reason)` after every change of the ink ('stroke' while drawing,
  /// 'end' when a stroke ends, 'clear', 'image').
  constructor(canvas, onInk) {
    this.canvas = canvas;
    this.context = canvas.getContext('2d', { willReadFrequently: true });
    this.onInk = onInk;
    this.width = 20;        // the pen's width in canvas pixels (the canvas is 280 wide)
    this.pointer = null;    // the pointer drawing now
    this.last = null;       // its last point
    this.drawn = false;     // any ink at all
    this.shown = null;      // a digit shown on the pad (a quiz digit), replaced by the next stroke
    for (const type of ['pointerdown', 'pointermove', 'pointerup', 'pointercancel', 'lostpointercapture']) {
      canvas.addEventListener(type, (event) => this[type](event));
    }
  }

  /// The canvas point of a pointer event (the canvas may be drawn smaller than its 280 pixels).
  point(event) {
    const box = this.canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) * this.canvas.width) / box.width,
      y: ((event.clientY - box.top) * this.canvas.height) / box.height,
      // A pen presses: thinner when light, thicker when hard; a mouse or a finger draws the set width.
      w: event.pointerType === 'pen' && event.pressure > 0 ? this.width * (0.55 + 0.9 * event.pressure) : this.width,
    };
  }

  pointerdown(event) {
    if (this.pointer !== null || (event.pointerType === 'mouse' && event.button !== 0)) return;
    event.preventDefault();
    this.pointer = event.pointerId;
    this.canvas.setPointerCapture?.(event.pointerId);
    if (this.shown) this.clear(false);
    const p = this.point(event);
    this.dot(p);
    this.last = p;
    this.drawn = true;
    this.onInk('stroke');
  }

  pointermove(event) {
    if (event.pointerId !== this.pointer) return;
    event.preventDefault();
    const events = event.getCoalescedEvents?.() ?? [];
    for (const e of events.length > 0 ? events : [event]) {
      const p = this.point(e);
      this.segment(this.last, p);
      this.last = p;
    }
    this.onInk('stroke');
  }

  pointerup(event) {
    if (event.pointerId !== this.pointer) return;
    this.pointer = null;
    this.last = null;
    this.onInk('end');
  }

  pointercancel(event) { this.pointerup(event); }

  lostpointercapture(event) { this.pointerup(event); }

  dot(p) {
    const c = this.context;
    c.fillStyle = '#000';
    c.beginPath();
    c.arc(p.x, p.y, p.w / 2, 0, 2 * Math.PI);
    c.fill();
  }

  segment(a, b) {
    const c = this.context;
    c.strokeStyle = '#000';
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.lineWidth = (a.w + b.w) / 2;
    c.beginPath();
    c.moveTo(a.x, a.y);
    c.lineTo(b.x, b.y);
    c.stroke();
  }

  /// Wipes the pad; `notify` says so to onInk.
  clear(notify = true) {
    this.context.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.drawn = false;
    this.shown = null;
    if (notify) this.onInk('clear');
  }

  /// Shows a `size` × `size` grey image (`pixels`, row by row, 0…1) filling the pad, as blocks:
  /// a quiz digit on its 28 × 28 field. The next stroke starts on a clean pad.
  showImage(pixels, size, name) {
    const c = this.context;
    c.clearRect(0, 0, this.canvas.width, this.canvas.height);
    const cell = this.canvas.width / size;
    for (let r = 0; r < size; r += 1) {
      for (let k = 0; k < size; k += 1) {
        const v = pixels[r * size + k];
        if (v <= 0) continue;
        c.fillStyle = `rgba(0, 0, 0, ${Math.min(1, v)})`;
        c.fillRect(k * cell, r * cell, cell, cell);
      }
    }
    this.drawn = true;
    this.shown = name;
    this.onInk('image');
  }

  /// The ink as one byte per canvas pixel, row by row, 0 (paper) … 255 (ink): the alpha channel,
  /// as the core's digitsPreprocessGrey takes it.
  ink() {
    const { width, height } = this.canvas;
    const rgba = this.context.getImageData(0, 0, width, height).data;
    const grey = new Uint8Array(width * height);
    for (let i = 0; i < grey.length; i += 1) grey[i] = rgba[4 * i + 3];
    return { width, height, grey };
  }
}
