import type { BadRequest_FieldViolation } from "@tsgrpc/grpc";

/** The longest request_id a create may carry (a UUID is 36). */
export const MAX_REQUEST_ID_LENGTH = 64;

/**
 * The rules for a new user, as field violations (empty when the request is valid):
 * - username: 3 to 32 characters, lowercase letters, digits, "_", "." or "-", starting with a letter;
 * - email: at most 254 characters, one "@" with 1 to 64 characters before it and a domain after it that has a dot,
 *   no spaces or control characters;
 * - request_id (optional, empty: none): at most 64 printable ASCII characters, no spaces.
 * `prefix` names the field's place in a larger request (BulkCreateUsers reports `requests[3].email`).
 */
export function validateNewUser(user: { username: string; email: string; requestId?: string }, prefix = ""): BadRequest_FieldViolation[] {
  const violations: BadRequest_FieldViolation[] = [];
  const violation = (field: string, description: string) => violations.push({ field: prefix + field, description });
  const { username, email } = user;
  if (username.length < 3 || username.length > 32) violation("username", "must be 3 to 32 characters long");
  else if (!/^[a-z][a-z0-9_.-]*$/.test(username)) violation("username", 'must start with a lowercase letter and contain only lowercase letters, digits, "_", "." and "-"');
  const at = email.lastIndexOf("@");
  if (email.length === 0) violation("email", "is required");
  else if (email.length > 254) violation("email", "must be at most 254 characters long");
  else if (/[\s\x00-\x1f\x7f]/.test(email)) violation("email", "must not contain spaces or control characters");
  else if (at < 1 || at > 64 || email.indexOf("@") !== at) violation("email", 'must be one local part of 1 to 64 characters, "@", and a domain');
  else if (!/^[^.].*\.[^.]+$/.test(email.slice(at + 1)) || email.slice(at + 1).includes("..")) violation("email", 'must have a domain such as "example.com" after the "@"');
  const requestId = user.requestId ?? "";
  if (requestId.length > MAX_REQUEST_ID_LENGTH) violation("request_id", `must be at most ${MAX_REQUEST_ID_LENGTH} characters long`);
  else if (!/^[\x21-\x7e]*$/.test(requestId)) violation("request_id", "must be printable ASCII characters without spaces (a UUID, for example)");
  return violations;
}
