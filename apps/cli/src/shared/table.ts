// Every table the CLI prints: cli-table3's coloured header and borders on a terminal, plain text otherwise (color.ts).
import Table from 'cli-table3';
import { colorEnabled } from './color';

const PLAIN = { head: [] as string[], border: [] as string[] };

export function newTable(options: Table.TableConstructorOptions = {}): Table.Table {
  return new Table(colorEnabled() ? options : { ...options, style: { ...options.style, ...PLAIN } });
}
