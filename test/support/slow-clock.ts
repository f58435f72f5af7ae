/**
 * Preloaded into a client process (`node --require slow-clock.js ...`) to run it with its clock moved
 * by `XB_TEST_CLOCK_SHIFT_MS` (negative: slow), as a producer whose machine's clock is off: `Date.now()`
 * and `new Date()` are shifted, so its proposals carry the shifted time.
 */
const shift = Number(process.env.XB_TEST_CLOCK_SHIFT_MS ?? '0');
const RealDate = Date;

class ShiftedDate extends RealDate {
  constructor(...args: ConstructorParameters<typeof Date> | []) {
    if (args.length === 0) super(RealDate.now() + shift);
    else super(...args);
  }

  static override now(): number {
    return RealDate.now() + shift;
  }
}

globalThis.Date = ShiftedDate as DateConstructor;
