// The data every benchmark server serves, identical across frameworks, and the requests the load generators send.
// Server semantics for the benchmark (not the real UserService's, which lives in examples/user-service):
//   GetUser(id)          -> the user with that id (1..USER_COUNT), NOT_FOUND otherwise
//   ListUsers(page_size) -> the first page_size users (page_size up to USER_COUNT), no next page
//   WatchUsers(_)        -> STREAM_MESSAGES users (the list, cycled), then OK
//   BulkCreateUsers      -> counts the requests; created_count = how many arrived
//   UserChat             -> echoes every message (ping-pong)

/** Enough users for a ListUsers page of about 1 MiB. */
export const USER_COUNT = 20000;
export const STREAM_MESSAGES = 100_000;
/** ListUsers page size whose response is about 1 MiB. */
export const MIB_PAGE = 18000;

export const users = Array.from({ length: USER_COUNT }, (_, i) => ({
  id: i + 1,
  username: `user_${i + 1}_lovelace`,
  email: `user${i + 1}@example.com`,
  roles: i % 3 ? ["user"] : ["admin", "user"],
  status: i % 3,
}));

/** The user GetUser returns in the small-unary scenario. */
export const GET_USER_ID = 7;
