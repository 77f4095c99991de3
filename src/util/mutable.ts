/** `T` with its readonly fields writable: for building a readonly result field by field. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
