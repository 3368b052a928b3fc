import { Writable } from 'node:stream';

import { streamChunks } from '../../../src/http';

/** A sink that accepts writes only when released: its buffer fills after `highWaterMark` bytes. */
function slowSink(highWaterMark: number): { sink: Writable; written: string[]; release: () => void } {
  const written: string[] = [];
  const pending: (() => void)[] = [];
  const sink = new Writable({
    highWaterMark,
    decodeStrings: false,
    write(chunk: string, _enc, done) {
      written.push(chunk);
      pending.push(done);
    },
  });
  return { sink, written, release: () => pending.splice(0).forEach((done) => done()) };
}

describe('streamChunks', () => {
  it('pulls the next chunk only when the sink has room (backpressure), and ends after the last', async () => {
    const { sink, written, release } = slowSink(100);
    let pulled = 0;
    function* chunks(): Generator<string> {
      for (let i = 0; i < 50; i++) {
        pulled += 1;
        yield 'x'.repeat(60);
      }
    }
    let finished = false;
    const done = streamChunks(sink, chunks()).then(() => (finished = true));
    for (let round = 0; round < 200 && !finished; round++) {
      await new Promise((r) => setTimeout(r, 1));
      // Never more than the buffered chunks (≤ 2 of 60 bytes under a 100-byte mark) ahead of the sink.
      expect(pulled - written.length).toBeLessThanOrEqual(2);
      release();
    }
    await done;
    expect(pulled).toBe(50);
    expect(written.join('')).toBe('x'.repeat(60 * 50));
    expect(sink.writableEnded).toBe(true);
  });

  it('stops pulling when the client goes away', async () => {
    const { sink } = slowSink(10);
    let pulled = 0;
    function* chunks(): Generator<string> {
      for (;;) {
        pulled += 1;
        yield 'y'.repeat(20);
      }
    }
    const done = streamChunks(sink, chunks());
    await new Promise((r) => setTimeout(r, 5));
    sink.destroy();
    await done;
    const at = pulled;
    await new Promise((r) => setTimeout(r, 5));
    expect(pulled).toBe(at);
    expect(at).toBeLessThan(5);
  });
});
