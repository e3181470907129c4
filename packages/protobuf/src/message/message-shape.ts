/** The key of the type-only brand every generated message interface carries. It exists in types alone: no message
 * object has it at run time. */
declare const messageBrand: unique symbol;

/**
 * What every generated message interface extends. `TypeName` is the message's full protobuf name, so that two
 * message types with the same fields are still different TypeScript types; the brand is optional and never present
 * at run time, so a plain object literal with the right fields is a message.
 */
export interface Message<TypeName extends string = string> {
  readonly [messageBrand]?: TypeName;
}

/**
 * What a message may be built from (`create`, request and response objects, `encode`): the message with every field
 * optional, at every depth. Nested messages, elements of lists and values of maps are initializers themselves; a
 * oneof is `{ case, value }` with `value` an initializer. protobuf-es's `MessageInitShape` is the model.
 */
export type MessageInit<T> = typeof messageBrand extends keyof T ? { [K in keyof T]?: FieldInit<T[K]> | undefined } : T;

/** One property of an initializer. Messages are told apart by their brand, oneofs by `case`, maps by their index
 * signature; everything else (scalars, enums, bytes) is taken as it is. */
type FieldInit<F> = F extends Uint8Array
  ? F
  : F extends readonly (infer E)[]
    ? FieldInit<E>[]
    : F extends object
      ? typeof messageBrand extends keyof F
        ? MessageInit<F>
        : F extends { case: infer C; value?: infer V }
          ? C extends undefined
            ? { case: undefined; value?: undefined }
            : { case: C; value: FieldInit<V> }
          : F extends { [key: string]: infer V }
            ? { [key: string]: FieldInit<V> }
            : F
      : F;
