import { describe, expect, test } from 'vitest';

import { fileName, sizeText } from './format';

describe('sizeText', () => {
  test.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [999, '999 bytes'],
    [1000, '1.0 KB'],
    [96_400, '96 KB'],
    [1_430_000, '1.4 MB'],
    [250_000_000, '250 MB'],
    [3_200_000_000, '3.2 GB'],
  ])('%d bytes read as %s', (bytes, text) => {
    expect(sizeText(bytes)).toBe(text);
  });
});

describe('fileName', () => {
  test('the last part of a Windows or a Unix path', () => {
    expect(fileName('C:\\Users\\lab\\AppData\\Roaming\\Deckhand\\data\\backups\\deckhand-2026-11-27-2300.sqlite3')).toBe(
      'deckhand-2026-11-27-2300.sqlite3',
    );
    expect(fileName('/home/lab/.local/share/deckhand/backups/deckhand-2026-11-27-2300.sqlite3')).toBe(
      'deckhand-2026-11-27-2300.sqlite3',
    );
  });
});
