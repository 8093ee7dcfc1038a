import { CSV_UPLOAD_MAX_BYTES } from '@tt/shared';

const MB = 1024 * 1024;

/**
 * Why a chosen file cannot be uploaded as a trade-history export, said before any byte is sent
 * (the server refuses the same, but only after the upload); undefined when it can go.
 */
export function csvFileProblem(file: { name: string; size: number }): string | undefined {
  if (file.size === 0) return `${file.name} is empty.`;
  if (file.size > CSV_UPLOAD_MAX_BYTES) {
    const size = (file.size / MB).toFixed(1);
    return `${file.name} is ${size} MB; exports of up to ${CSV_UPLOAD_MAX_BYTES / MB} MB are accepted. Export a shorter period.`;
  }
  return undefined;
}
