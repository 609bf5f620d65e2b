/**
 * An error the CLI reports as one message and an exit status: 2 for a bad command line (unknown option,
 * bad value, unknown class, layer or method), 1 for a failure while working (model not loadable, images failed).
 */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A bad command line: exit status 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

/** Exit status of a successful run. */
export const EXIT_OK = 0;
/** Exit status when the work failed (model not loadable) or some inputs failed. */
export const EXIT_FAILURE = 1;
/** Exit status of a bad command line. */
export const EXIT_USAGE = 2;
