/**
 * The browser bundle checks proofs only; the chaincode argument schemas that the protocol package
 * compiles when loaded are never used there. Compiling them would need `eval`, which the console's
 * Content-Security-Policy forbids, so this stand-in compiles nothing and refuses if ever called.
 */
export default class Ajv {
  compile(): () => never {
    return () => {
      throw new Error('argument schemas are not available in the browser');
    };
  }
  addFormat(): this {
    return this;
  }
  addKeyword(): this {
    return this;
  }
}
