/** A request tsgrpc's HTTP/1.1 engine refuses before it reaches the router: answered with `status`, then the connection closes. */
export class Http1Error extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "Http1Error";
  }
}
