/** Encoded image formats @gradcam/viz writes. */
export type ImageFormat = 'png' | 'jpg' | 'webp';

/** MIME type of an {@link ImageFormat}. */
export function mimeOf(format: ImageFormat): 'image/png' | 'image/jpeg' | 'image/webp' {
  return format === 'jpg' ? 'image/jpeg' : format === 'webp' ? 'image/webp' : 'image/png';
}

/**
 * The image format a file name asks for by its extension (`.png`, `.jpg`/`.jpeg`, `.webp`, any case).
 * @returns the format, or undefined for other extensions.
 */
export function formatOfPath(path: string): ImageFormat | undefined {
  const m = /\.(png|jpe?g|webp)$/i.exec(path);
  if (!m) return undefined;
  const ext = m[1]!.toLowerCase();
  return ext === 'png' ? 'png' : ext === 'webp' ? 'webp' : 'jpg';
}
