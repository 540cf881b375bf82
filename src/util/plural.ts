/** `1 key`, `2 keys`: a count with its noun, plural unless the count is one. */
export const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
