/**
 * The Fabric protos package defines its gRPC service clients when loaded; the page decodes blocks
 * only and never calls a service, so each client class is an empty one.
 */
export function makeGenericClientConstructor(): new () => object {
  return Object;
}
