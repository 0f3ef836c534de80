// The login QR in the terminal: a QR-shaped PNG (built here, with every PNG row filter) must come back
// as the same module grid and print as half blocks an operator can scan.
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePng, pngQrToTerminal, readQrModules, renderQrModules } from '../adapters/zalo/qr-terminal.ts';

/** A 25×25 grid with the three finder patterns and deterministic pseudo-random data. */
function qrLikeGrid(size = 25): boolean[][] {
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const grid = Array.from({ length: size }, () => Array.from({ length: size }, () => random() < 0.5));
  const finder = (top: number, left: number) => {
    for (let r = -1; r <= 7; r++) {
      for (let c = -1; c <= 7; c++) {
        const row = grid[top + r];
        if (!row || top + r >= size || left + c < 0 || left + c >= size) continue;
        const ring = Math.max(Math.abs(r - 3), Math.abs(c - 3));
        row[left + c] = ring !== 2 && ring !== 4;
      }
    }
  };
  finder(0, 0);
  finder(0, size - 7);
  finder(size - 7, 0);
  return grid;
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

/** Encodes RGBA pixels as a PNG, using row filter `y % 5` so the decoder meets all five filters. */
function encodeRgbaPng(
  width: number,
  height: number,
  rgba: (x: number, y: number) => [number, number, number, number],
): Buffer {
  const stride = width * 4;
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(stride);
    for (let x = 0; x < width; x++) Buffer.from(rgba(x, y)).copy(row, x * 4);
    rows.push(row);
  }
  const paeth = (a: number, b: number, c: number) => {
    const p = a + b - c;
    const pa = Math.abs(p - a);
    const pb = Math.abs(p - b);
    const pc = Math.abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  };
  const filtered: Buffer[] = rows.map((row, y) => {
    const filter = y % 5;
    const out = Buffer.alloc(stride + 1);
    out[0] = filter;
    for (let x = 0; x < stride; x++) {
      const left = x >= 4 ? (row[x - 4] as number) : 0;
      const up = y > 0 ? (rows[y - 1]?.[x] as number) : 0;
      const upLeft = y > 0 && x >= 4 ? (rows[y - 1]?.[x - 4] as number) : 0;
      const predictor = [0, left, up, Math.floor((left + up) / 2), paeth(left, up, upLeft)][filter] as number;
      out[x + 1] = ((row[x] as number) - predictor) & 0xff;
    }
    return out;
  });
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(filtered))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function qrPng(grid: boolean[][], moduleSize: number, quiet: number): Buffer {
  const side = grid.length * moduleSize + quiet * 2;
  return encodeRgbaPng(side, side, (x, y) => {
    const row = Math.floor((y - quiet) / moduleSize);
    const col = Math.floor((x - quiet) / moduleSize);
    const isDark = grid[row]?.[col] ?? false;
    // Dark modules are slightly coloured and light ones partly transparent, as real exports can be.
    return isDark ? [20, 30, 40, 255] : [255, 255, 255, 0];
  });
}

describe('login QR in the terminal', () => {
  it('decodes a PNG (all row filters, alpha) and reads back the module grid', () => {
    const grid = qrLikeGrid();
    const png = qrPng(grid, 5, 20);
    const image = decodePng(png);
    expect(image.width).toBe(25 * 5 + 40);
    expect(readQrModules(image)).toEqual(grid);
  });

  it('prints two module rows per line with a quiet zone, light modules as blocks', () => {
    const grid = qrLikeGrid();
    const printed = pngQrToTerminal(qrPng(grid, 4, 12));
    expect(printed).toBeDefined();
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping the ANSI colour codes we print
    const lines = (printed as string).split('\n').map((line) => line.replace(/\x1b\[[0-9;]*m/g, ''));
    expect(lines).toHaveLength(Math.ceil((25 + 4) / 2));
    expect(lines.every((line) => Array.from(line).length === 29)).toBe(true);
    // Read the half blocks back into a grid (without the 2-module quiet zone) and compare.
    const light = (ch: string, half: 'top' | 'bottom') => ch === '█' || (half === 'top' ? ch === '▀' : ch === '▄');
    const back: boolean[][] = [];
    lines.forEach((line) => {
      const chars = Array.from(line);
      back.push(chars.map((ch) => !light(ch, 'top')));
      back.push(chars.map((ch) => !light(ch, 'bottom')));
    });
    const inner = back.slice(2, 27).map((row) => row.slice(2, 27));
    expect(inner).toEqual(grid);
    expect(renderQrModules(grid).split('\n')).toHaveLength(lines.length);
  });

  it('gives up quietly on something that is not a PNG', () => {
    expect(pngQrToTerminal(Buffer.from('not an image'))).toBeUndefined();
  });
});
