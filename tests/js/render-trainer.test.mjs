// The training views' drawing schedule (web/js/render-trainer.js Throttle): while epochs arrive
// the trainer and digits pages draw at most once every kDrawEvery ms, and at once when training
// pauses or ends. Plain timers: no browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Throttle } from '../../web/js/render-trainer.js';

test('requests in a burst draw once, soon after the first', async () => {
  const draws = [];
  const view = new Throttle(() => draws.push(performance.now()), 100);
  for (let i = 0; i < 20; i += 1) view.request();
  assert.equal(draws.length, 0, 'a request never draws inside the caller');
  await sleep(30);
  assert.equal(draws.length, 1, 'the first request draws on the next turn, once for the burst');
});

test('epochs every 10 ms are drawn at most every interval, and the last one always', async () => {
  const draws = [];
  let epoch = 0;
  const view = new Throttle(() => draws.push({ at: performance.now(), epoch }), 60);
  const t0 = performance.now();
  for (epoch = 1; epoch <= 30; epoch += 1) {
    view.request();
    await sleep(10);
  }
  epoch = 30;
  view.flush();  // the training ended: its last epoch is drawn now
  const most = Math.floor((draws.at(-1).at - t0) / 60) + 2;  // one per interval, and the flush
  assert.ok(draws.length >= 2 && draws.length <= most, `${draws.length} draws for 30 epochs (at most ${most})`);
  assert.ok(draws.length < 30, 'fewer draws than epochs');
  for (let i = 1; i < draws.length - 1; i += 1) {
    assert.ok(draws[i].at - draws[i - 1].at >= 59, `draws ${i - 1} and ${i} ${draws[i].at - draws[i - 1].at} ms apart`);
  }
  assert.equal(draws.at(-1).epoch, 30);
});

test('flush draws now and drops the pending draw; cancel drops it without drawing', async () => {
  let draws = 0;
  const view = new Throttle(() => { draws += 1; }, 50);
  view.flush();
  view.request();  // within the interval: waits
  view.flush();
  assert.equal(draws, 2);
  await sleep(80);
  assert.equal(draws, 2, 'the request that flush answered does not draw again');
  view.request();
  view.cancel();
  await sleep(80);
  assert.equal(draws, 2, 'a cancelled request never draws (a new training started)');
});

test('restart counts the interval from now: the first epochs of a training are not drawn at once', async () => {
  let draws = 0;
  const view = new Throttle(() => { draws += 1; }, 60);
  view.restart();  // Train pressed
  view.request();  // epoch 1, a few ms later
  await sleep(30);
  assert.equal(draws, 0, 'nothing drawn within the interval of the start');
  await sleep(60);
  assert.equal(draws, 1, 'epoch 1 is drawn once the interval has passed');
});
