/** Training progress for people (Node): a cli-progress bar with rate and ETA on a TTY, plain lines otherwise. */
import cliProgress from 'cli-progress';

/** What the training loop reports. */
export interface ProgressSink {
  start(total: number, done: number): void;
  update(done: number, samplesPerS: number, epoch: number): void;
  /** A line that must not be overwritten by the bar (evaluations, notices). */
  log(line: string): void;
  stop(): void;
}

/** A bar on stderr when it is a TTY, else a line every `everyS` seconds. */
export function progressSink(stream: NodeJS.WriteStream = process.stderr, everyS = 15): ProgressSink {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: '{bar} {percentage}% | {value}/{total} samples per replica | {rate} samples/s | epoch {epoch} | ETA {eta_formatted}',
        etaBuffer: 50,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    let running = false;
    return {
      start(total, done) {
        bar.start(total, done, { rate: '-', epoch: '-' });
        running = true;
      },
      update(done, rate, epoch) {
        bar.update(done, { rate: Math.round(rate).toLocaleString('en-US'), epoch: epoch.toFixed(2) });
      },
      log(line) {
        if (running) {
          // Clear the bar's line, print, and let the next update redraw it.
          stream.write('\r\x1b[2K' + line + '\n');
          bar.render();
        } else stream.write(line + '\n');
      },
      stop() {
        if (running) bar.stop();
        running = false;
      },
    };
  }
  let total = 0;
  let last = 0;
  let t0 = Date.now();
  let done0 = 0;
  return {
    start(t, done) {
      total = t;
      done0 = done;
      t0 = last = Date.now();
    },
    update(done, rate, epoch) {
      const now = Date.now();
      if (now - last < everyS * 1000 && done < total) return;
      last = now;
      const elapsed = (now - t0) / 1000;
      const eta = done > done0 ? ((total - done) * elapsed) / (done - done0) : NaN;
      stream.write(
        `progress: ${done}/${total} samples per replica, ${Math.round(rate)} samples/s, epoch ${epoch.toFixed(2)}, ETA ${Number.isFinite(eta) ? `${Math.round(eta)} s` : '-'}\n`,
      );
    },
    log(line) {
      stream.write(line + '\n');
    },
    stop() {},
  };
}
