// The package ships its types under a name TypeScript does not look for.
declare module 'unicode-confusables' {
  /** The string with every character replaced by its UTS #39 confusable prototype. */
  export function rectifyConfusion(input: string): string;
}
