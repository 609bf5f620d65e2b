/** Where the CLI writes: normally `process.stdout` / `process.stderr`, a capture in tests. */
export interface Output {
  write(text: string): unknown;
  /** True when this is an interactive terminal (progress bars are drawn only there). */
  isTTY?: boolean;
  /** Terminal width, when known. */
  columns?: number;
}

/** The CLI's two streams: results and the summary on `out`, progress, warnings and errors on `err`. */
export interface Streams {
  out: Output;
  err: Output;
}
