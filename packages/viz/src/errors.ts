/** An image that could not be read or decoded; `message` names the file (or source) and the reason. */
export class ImageReadError extends Error {
  /** The path, URL or description of the source that failed. */
  readonly source: string;
  constructor(source: string, reason: string) {
    super(`cannot read image '${source}': ${reason}`);
    this.name = 'ImageReadError';
    this.source = source;
  }
}
