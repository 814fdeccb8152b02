import { EventEmitter } from "node:events";
import type * as TypedEmitterModule from "typed-emitter";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { TypedEmitter, UpdaterEvents } from "../src/engine/events.js";

type Library<E extends TypedEmitterModule.EventMap> = TypedEmitterModule.default<E>;
type Sample = { ready: (at: number) => void; failed: (error: Error, attempt: number) => void };

describe("TypedEmitter", () => {
  it("is interchangeable with typed-emitter's type", () => {
    expectTypeOf<TypedEmitter<Sample>>().toEqualTypeOf<Library<Sample>>();
    expectTypeOf<TypedEmitter<UpdaterEvents>>().toEqualTypeOf<Library<UpdaterEvents>>();
  });

  it("checks event names and listener arguments over a Node EventEmitter", () => {
    const emitter = new EventEmitter() as TypedEmitter<Sample>;
    const seen: number[] = [];
    emitter.on("ready", (at) => seen.push(at));
    const misuse = () => {
      // @ts-expect-error an unknown event name is refused
      emitter.on("unknown", () => {});
      // @ts-expect-error a wrong argument type is refused
      emitter.emit("ready", "soon");
    };
    expect(misuse).toBeTypeOf("function");
    expect(emitter.emit("ready", 42)).toBe(true);
    expect(seen).toEqual([42]);
  });
});
