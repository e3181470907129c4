/**
 * Raised for any malformed protobuf input: binary or JSON. `path` says where (a field path such as
 * `users[3].email`), so that a user can find the bad byte or key without a debugger.
 */
export class DecodeError extends Error {
  override name = "DecodeError";
  constructor(message: string, readonly path?: string) {
    super(path ? `${message} (at ${path})` : message);
  }
}
