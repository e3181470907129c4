/** An option as written in the .proto, before it is interpreted against the options message it sets. */
export interface UninterpretedOption {
  name: { part: string; isExtension: boolean }[];
  identifier?: string;
  positive?: bigint;
  negative?: bigint;
  double?: number;
  string?: Uint8Array;
  aggregate?: string;
  /** Source path of the option's location (…options, 999, index), rewritten once the option is interpreted. */
  path: number[];
  /** Where the option's name starts (for name errors) and where its value starts (for value errors). */
  line: number;
  column: number;
  valueLine: number;
  valueColumn: number;
}

/** Where the parser keeps an element's options until the linker interprets them. */
export const PendingOptions: unique symbol = Symbol("pendingOptions");

export interface HasPendingOptions {
  [PendingOptions]?: UninterpretedOption[];
}

export function pendingOptions(holder: object): UninterpretedOption[] {
  const h = holder as HasPendingOptions;
  return (h[PendingOptions] ??= []);
}

/** The field number of `uninterpreted_option` in every options message. */
export const UNINTERPRETED_OPTION = 999;
