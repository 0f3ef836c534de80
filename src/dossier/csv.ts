// A small RFC 4180 CSV reader: quoted fields with commas, doubled quotes and line breaks, CRLF, a BOM,
// and `;` as the separator when the header uses it (Excel in Vietnamese locales). Keeps each row's line number.

export interface CsvRow {
  /** Line of the file where the row starts (the header is line 1). */
  line: number;
  cells: string[];
}

export class CsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`dòng ${line}: ${message}`);
    this.name = 'CsvError';
  }
}

/** Parses CSV text into rows of cells; blank lines are skipped. Throws CsvError on an unclosed quote. */
export function parseCsv(content: string): CsvRow[] {
  const text = content.replace(/^\uFEFF/, '');
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const separator = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  const rows: CsvRow[] = [];
  let line = 1;
  let rowLine = 1;
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let quoteLine = 0;
  const endRow = () => {
    cells.push(cell);
    if (cells.length > 1 || cells[0]?.trim() !== '') rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (quoted) {
      if (ch === '"') {
        if (text.charAt(i + 1) === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else if (ch === '\r' && text.charAt(i + 1) === '\n') {
        // CRLF inside a quoted field is kept as a single line break.
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell.trim() === '') {
      quoted = true;
      quoteLine = line;
      cell = '';
    } else if (ch === separator) {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text.charAt(i + 1) === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      cell += ch;
    }
  }
  if (quoted) throw new CsvError(quoteLine, 'dấu ngoặc kép (") mở mà không đóng');
  if (cell !== '' || cells.length > 0) endRow();
  return rows;
}
