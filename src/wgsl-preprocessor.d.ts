declare module 'wgsl-preprocessor/wgsl-preprocessor.js' {
  /** Template tag with #if/#elif/#else/#endif over `${}` expressions. */
  export function wgsl(strings: TemplateStringsArray | readonly string[], ...values: unknown[]): string;
}
