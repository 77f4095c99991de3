/**
 * The web UI's start form, derived from the option table: every option with a `web` entry is a
 * field (name, label, help, input kind, choices, default), served to the page in the view, which
 * builds its inputs from them (frontend/main.ts). Defaults are the CLI's: resolved from the table
 * with the command line's flags, so the form and `streamload run` start the same run.
 */
import { flagOf, helpOf, OPTION_NAMES, type OptionName, optionEntry } from '../run-config/fields.ts';
import { resolveOptions } from '../run-config/resolve.ts';

/** One input of the start form. */
export interface FormField {
  readonly name: string;
  /** Lower-case, as errors about the field start (`run time: expected …`). */
  readonly label: string;
  readonly help: string;
  readonly input: 'text' | 'password' | 'number' | 'select';
  /** What the field holds now: the command line's value, then the last submitted one ('' for a secret). */
  readonly value: string;
  /** What it holds with nothing given ('' = the default is computed from other options, or none). */
  readonly default: string;
  readonly placeholder: string;
  /** A select's options (value '' = the blank choice), or a text input's suggestions. */
  readonly choices: readonly { readonly value: string; readonly label: string }[];
  /** Number inputs: the lowest value and the step ('any' for rates). */
  readonly min?: number;
  readonly step?: string;
}

/** The options the form shows, in table order. */
export const FORM_OPTIONS: readonly OptionName[] = OPTION_NAMES.filter((name) => optionEntry(name).web);

/** The field's label (errors about it start with it). */
export function formLabel(name: OptionName): string {
  return optionEntry(name).web?.label ?? flagOf(name).slice(2);
}

/** Left empty, the field gives no value: the computed default (or none) applies, not the command line's. */
export function isBlankable(name: OptionName): boolean {
  const entry = optionEntry(name);
  return entry.web?.blank !== undefined || entry.default === null;
}

/**
 * The form's values as the command line leaves them: each field's resolved value (given flags,
 * else the table's default) as a person writes it; blank for a secret, and for a blankable field
 * that the command line did not give (its default is computed at start from the other fields).
 */
export function formValues(flags: Readonly<Record<string, unknown>>): Record<string, string> {
  const options = resolveOptions(flags);
  const values: Record<string, string> = {};
  for (const name of FORM_OPTIONS) {
    const entry = optionEntry(name);
    const value = options[name];
    const blank =
      entry.web?.secret === true || value === null || (isBlankable(name) && flags[name] === undefined);
    values[name] = blank ? '' : entry.value.show(value);
  }
  return values;
}

const DEFAULTS = formValues({});

/** The fields with the values the form shows now; `suggestions` for a text field (scenarios). */
export function formFields(
  values: Readonly<Record<string, string>>,
  suggestions: Readonly<Record<string, readonly string[]>> = {},
): FormField[] {
  return FORM_OPTIONS.map((name): FormField => {
    const entry = optionEntry(name);
    const web = entry.web ?? { label: name };
    const schema = entry.value.schema;
    const choices =
      'enum' in schema && schema.enum !== undefined
        ? [
            ...(web.blank === undefined ? [] : [{ value: '', label: web.blank }]),
            ...schema.enum.map((value) => ({ value, label: value })),
          ]
        : (suggestions[name] ?? []).map((value) => ({ value, label: value }));
    const numeric =
      entry.value.numeric === true &&
      'type' in schema &&
      (schema.type === 'integer' || schema.type === 'number');
    return {
      name,
      label: web.label,
      help: helpOf(name),
      input: web.secret ? 'password' : 'enum' in schema ? 'select' : numeric ? 'number' : 'text',
      value: web.secret ? '' : (values[name] ?? ''),
      default: DEFAULTS[name] ?? '',
      placeholder: web.placeholder ?? web.blank ?? '',
      choices,
      ...(numeric
        ? {
            min: 'minimum' in schema ? schema.minimum : undefined,
            step: schema.type === 'integer' ? '1' : 'any',
          }
        : {}),
    };
  });
}
