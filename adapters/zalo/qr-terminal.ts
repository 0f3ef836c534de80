// Shows the Zalo login QR code (a PNG from zca-js) in the terminal without extra packages: a minimal
// PNG decoder (node:zlib), module-grid detection from the top-left finder pattern, and half-block output
// with explicit colours so it scans on dark and light terminals alike.
import { inflateSync } from 'node:zlib';

export interface GrayImage {
  width: number;
  height: number;
  /** Luminance 0–255 per pixel, row-major, transparency composited on white. */
  pixels: Uint8Array;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/** Decodes a non-interlaced PNG (any colour type, bit depth 8, or 1/2/4 for gray and palette). */
export function decodePng(png: Buffer): GrayImage {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let bitDepth = 8;
  let colorType = 0;
  let palette: Buffer | undefined;
  let transparency: Buffer | undefined;
  const data: Buffer[] = [];
  while (offset + 8 <= png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    offset += 12 + length;
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      bitDepth = body[8] as number;
      colorType = body[9] as number;
      if (body[12] !== 0) throw new Error('interlaced PNG not supported');
    } else if (type === 'PLTE') palette = body;
    else if (type === 'tRNS') transparency = body;
    else if (type === 'IDAT') data.push(body);
    else if (type === 'IEND') break;
  }
  const channels = CHANNELS[colorType];
  if (!channels || (bitDepth !== 8 && !(bitDepth < 8 && (colorType === 0 || colorType === 3)))) {
    throw new Error(`unsupported PNG (colour type ${colorType}, depth ${bitDepth})`);
  }
  const raw = inflateSync(Buffer.concat(data));
  const bitsPerPixel = channels * bitDepth;
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  const bpp = Math.max(1, bitsPerPixel / 8);
  const rows = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const source = y * (stride + 1) + 1;
    const target = y * stride;
    for (let x = 0; x < stride; x++) {
      const value = raw[source + x] as number;
      const left = x >= bpp ? (rows[target + x - bpp] as number) : 0;
      const up = y > 0 ? (rows[target - stride + x] as number) : 0;
      const upLeft = y > 0 && x >= bpp ? (rows[target - stride + x - bpp] as number) : 0;
      let decoded: number;
      if (filter === 0) decoded = value;
      else if (filter === 1) decoded = value + left;
      else if (filter === 2) decoded = value + up;
      else if (filter === 3) decoded = value + Math.floor((left + up) / 2);
      else if (filter === 4) decoded = value + paeth(left, up, upLeft);
      else throw new Error(`bad PNG filter ${filter}`);
      rows[target + x] = decoded & 0xff;
    }
  }
  const pixels = new Uint8Array(width * height);
  const maxSample = (1 << bitDepth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = y * stride;
      let r: number;
      let g: number;
      let b: number;
      let alpha = 255;
      if (bitDepth < 8) {
        const bit = x * bitDepth;
        const sample = ((rows[at + (bit >> 3)] as number) >> (8 - bitDepth - (bit & 7))) & maxSample;
        if (colorType === 3) {
          r = palette?.[sample * 3] ?? 0;
          g = palette?.[sample * 3 + 1] ?? 0;
          b = palette?.[sample * 3 + 2] ?? 0;
          alpha = transparency?.[sample] ?? 255;
        } else {
          r = g = b = Math.round((sample * 255) / maxSample);
        }
      } else {
        const p = at + x * channels;
        if (colorType === 3) {
          const index = rows[p] as number;
          r = palette?.[index * 3] ?? 0;
          g = palette?.[index * 3 + 1] ?? 0;
          b = palette?.[index * 3 + 2] ?? 0;
          alpha = transparency?.[index] ?? 255;
        } else if (colorType === 0 || colorType === 4) {
          r = g = b = rows[p] as number;
          if (colorType === 4) alpha = rows[p + 1] as number;
        } else {
          r = rows[p] as number;
          g = rows[p + 1] as number;
          b = rows[p + 2] as number;
          if (colorType === 6) alpha = rows[p + 3] as number;
        }
      }
      const luminance = 0.299 * r + 0.587 * g + 0.114 * b;
      pixels[y * width + x] = Math.round((luminance * alpha + 255 * (255 - alpha)) / 255);
    }
  }
  return { width, height, pixels };
}

/** The QR module grid (true = dark), found from the dark bounding box and the top-left finder pattern. */
export function readQrModules(image: GrayImage): boolean[][] | undefined {
  const dark = (x: number, y: number) => (image.pixels[y * image.width + x] as number) < 128;
  let left = image.width;
  let right = -1;
  let top = image.height;
  let bottom = -1;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (!dark(x, y)) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  if (right < 0) return undefined;
  let run = 0;
  while (left + run <= right && dark(left + run, top)) run++;
  const size = right - left + 1;
  const estimate = size / (run / 7);
  // QR versions have 21, 25, 29, … modules per side.
  const modules = 21 + 4 * Math.max(0, Math.round((estimate - 21) / 4));
  if (!Number.isFinite(estimate) || modules > 177) return undefined;
  const moduleWidth = size / modules;
  const moduleHeight = (bottom - top + 1) / modules;
  const grid: boolean[][] = [];
  for (let row = 0; row < modules; row++) {
    const cells: boolean[] = [];
    for (let col = 0; col < modules; col++) {
      cells.push(dark(Math.floor(left + (col + 0.5) * moduleWidth), Math.floor(top + (row + 0.5) * moduleHeight)));
    }
    grid.push(cells);
  }
  return grid;
}

/** Two module rows per text line with half blocks; light modules drawn white on black, quiet zone included. */
export function renderQrModules(grid: boolean[][], quietZone = 2): string {
  const size = grid.length + quietZone * 2;
  const isLight = (row: number, col: number) => {
    const r = row - quietZone;
    const c = col - quietZone;
    return !(grid[r]?.[c] ?? false);
  };
  const lines: string[] = [];
  for (let row = 0; row < size; row += 2) {
    let line = '\x1b[97;40m';
    for (let col = 0; col < size; col++) {
      const top = isLight(row, col);
      const bottom = row + 1 < size ? isLight(row + 1, col) : false;
      line += top && bottom ? '█' : top ? '▀' : bottom ? '▄' : ' ';
    }
    lines.push(`${line}\x1b[0m`);
  }
  return lines.join('\n');
}

/** The QR code of a PNG as terminal text, or undefined when it cannot be read. */
export function pngQrToTerminal(png: Buffer): string | undefined {
  try {
    const grid = readQrModules(decodePng(png));
    return grid ? renderQrModules(grid) : undefined;
  } catch {
    return undefined;
  }
}
