/**
 * Shader loading: takes a family's WGSL text, splits it at each `${NAME}`, looks every name up in the variant
 * and hands pieces and values to wgsl-preprocessor's tag (`#if ${flag}` ... `#endif`).
 * A name the variant lacks is an error, never an empty string.
 */
import { wgsl } from 'wgsl-preprocessor/wgsl-preprocessor.js';
import { SHADER_SOURCES } from './shaders.gen.ts';

/** Values a shader variant may substitute: flags (booleans, small enums) and generated code such as PARAMS. */
export type VariantValue = boolean | number | string;
/** A shader variant: every `${NAME}` in the family's text must be a key here. */
export type Variant = Readonly<Record<string, VariantValue>>;

/** Returns the WGSL of `family` with the variant applied. */
export function shaderText(family: string, variant: Variant): string {
  const source = SHADER_SOURCES[family];
  if (source === undefined) throw new Error(`unknown shader family '${family}' (have: ${Object.keys(SHADER_SOURCES).join(', ')})`);
  return preprocess(source, variant, family);
}

/** Applies a variant to WGSL text (exported for tests). */
export function preprocess(source: string, variant: Variant, label = 'shader'): string {
  const pieces: string[] = [];
  const values: VariantValue[] = [];
  const re = /\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}/g;
  let last = 0;
  for (const m of source.matchAll(re)) {
    pieces.push(source.slice(last, m.index));
    const name = m[1]!;
    if (!(name in variant)) throw new Error(`${label}: variant has no value for \${${name}}`);
    values.push(variant[name]!);
    last = m.index! + m[0].length;
  }
  pieces.push(source.slice(last));
  const strings = Object.assign([...pieces], { raw: [...pieces] }) as unknown as TemplateStringsArray;
  return wgsl(strings, ...values);
}

/** One named i32/u32 scalar of a params struct. */
export interface ParamField {
  name: string;
  type: 'u32' | 'i32';
}

/** Writes the WGSL `struct Params` for an ordered field list (used via `${PARAMS}`). */
export function paramsStruct(fields: readonly ParamField[]): string {
  return `struct Params {\n${fields.map((f) => `  ${f.name}: ${f.type},`).join('\n')}\n}`;
}

/** Packs values for an ordered field list into a 16-byte-rounded Int32Array (same order as {@link paramsStruct}). */
export function packParams(fields: readonly ParamField[], values: Readonly<Record<string, number>>): Int32Array {
  const out = new Int32Array(Math.max(4, Math.ceil(fields.length / 4) * 4));
  fields.forEach((f, i) => {
    const v = values[f.name];
    if (v === undefined) throw new Error(`params: missing value for field '${f.name}'`);
    out[i] = v | 0;
  });
  return out;
}
