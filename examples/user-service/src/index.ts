export { createApp, type App, type AppOptions } from "./app.js";
export { createUserService, type UserServiceOptions, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, WATCH_BACKLOG } from "./user-service.js";
export { SqliteUserStore } from "./sqlite-store.js";
export { DuplicateUserError, type UserStore, type UserRecord, type NewUser } from "./store.js";
export { ChatRoom, ROOM_SENDER } from "./chat-room.js";
export { bearerAuth, parseTokens, principalOf, type Principal } from "./auth.js";
export { callLog, type CallLogEntry } from "./call-log.js";
export { validateNewUser } from "./validation.js";
export * from "./gen/user_service_pb.js";
