/** A mistake on the command line: the command prints it with its usage and exits 2. */
export class UsageError extends Error {}

/**
 * A failure on this side of the wire, with no gRPC status (a request that does not fit its message, a file that
 * cannot be read, a server that cannot be reached): the command prints the message and exits 1.
 */
export class CliError extends Error {}
