import type { Output } from './console.js';

/**
 * Reports a batch: on a TTY a one-line bar redrawn in place (`[██████░░░░] 3/8 chelsea.png`) with result lines
 * printed above it; elsewhere (pipes, CI logs) no bar, just the result lines.
 */
export class Progress {
  private done = 0;
  private readonly running = new Set<string>();
  private drawn = false;

  constructor(
    private readonly total: number,
    private readonly err: Output,
    private readonly out: Output,
  ) {}

  /** True when the bar is drawn (stderr is a TTY). */
  get interactive(): boolean {
    return this.err.isTTY === true;
  }

  /** Marks `name` as started. */
  start(name: string): void {
    this.running.add(name);
    this.draw();
  }

  /** Marks `name` as finished and prints `line` (on stdout, or stderr for failures) above the bar. */
  finish(name: string, line: string, failed = false): void {
    this.running.delete(name);
    this.done++;
    this.clear();
    (failed ? this.err : this.out).write(`${line}\n`);
    this.draw();
  }

  /**
   * Counts one step as done without printing a line (for work reported in coarser lines than the bar moves:
   * `gradcam evaluate` steps per method and sample, prints per method); `current` is shown as what runs now.
   */
  step(current?: string): void {
    this.running.clear();
    if (current) this.running.add(current);
    this.done++;
    this.draw();
  }

  /** Prints `line` above the bar (on stdout, or stderr when `failed`) without counting a step. */
  print(line: string, failed = false): void {
    this.clear();
    (failed ? this.err : this.out).write(`${line}\n`);
    this.draw();
  }

  /** Removes the bar (call before printing the summary). */
  end(): void {
    this.clear();
  }

  /** The bar line for the current state, fitted to `columns`. */
  barLine(columns = 80): string {
    const label = `${this.done}/${this.total}`;
    const current = [...this.running].join(', ');
    const width = Math.max(10, Math.min(30, columns - label.length - 12));
    const filled = Math.round((width * this.done) / Math.max(1, this.total));
    const bar = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${label}`;
    const room = columns - bar.length - 2;
    const tail = current.length > room ? `${current.slice(0, Math.max(0, room - 1))}…` : current;
    return room > 3 && tail ? `${bar} ${tail}` : bar;
  }

  private draw(): void {
    if (!this.interactive || this.done >= this.total) return;
    this.err.write(`\r\x1b[2K${this.barLine(this.err.columns || 80)}`);
    this.drawn = true;
  }

  private clear(): void {
    if (this.interactive && this.drawn) this.err.write('\r\x1b[2K');
    this.drawn = false;
  }
}
