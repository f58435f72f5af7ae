/**
 * The error classes the SDK's error mapping tests with `instanceof`; the page never talks to a Fabric
 * gateway, so no such error is ever made here.
 */
export class GatewayError extends Error {}
export class EndorseError extends GatewayError {}
export class CommitError extends Error {}
export class CommitStatusError extends GatewayError {}
