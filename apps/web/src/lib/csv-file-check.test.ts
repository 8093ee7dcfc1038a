import { describe, expect, it } from 'vitest';
import { CSV_UPLOAD_MAX_BYTES } from '@tt/shared';
import { csvFileProblem } from './csv-file-check';

describe('csvFileProblem', () => {
  it('lets a file up to the limit through', () => {
    expect(csvFileProblem({ name: 'fills.csv', size: 1 })).toBeUndefined();
    expect(csvFileProblem({ name: 'fills.csv', size: CSV_UPLOAD_MAX_BYTES })).toBeUndefined();
  });

  it('names the file, its size and the limit when it is over', () => {
    expect(csvFileProblem({ name: 'fills.csv', size: CSV_UPLOAD_MAX_BYTES + 1 })).toBe(
      'fills.csv is 5.0 MB; exports of up to 5 MB are accepted. Export a shorter period.',
    );
    expect(csvFileProblem({ name: 'year.csv', size: 6.5 * 1024 * 1024 })).toMatch(/^year\.csv is 6\.5 MB;/);
  });

  it('says an empty file is empty', () => {
    expect(csvFileProblem({ name: 'fills.csv', size: 0 })).toBe('fills.csv is empty.');
  });
});
