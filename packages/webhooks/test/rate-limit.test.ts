import { expect, it } from "vitest";
import { createRequestBudget } from "../src/index.js";

it("admits `allowed` per period and refills evenly", () => {
  let now = 0;
  const budget = createRequestBudget(3, 3_600_000, () => now);
  expect([budget.take(), budget.take(), budget.take(), budget.take()]).toEqual([true, true, true, false]);
  expect(budget.retryAfterMs()).toBe(1_200_000);
  now = 1_200_000;
  expect([budget.take(), budget.take()]).toEqual([true, false]);
});

it("admits everything when the limit is 0", () => {
  const budget = createRequestBudget(0);
  expect(Array.from({ length: 1000 }, () => budget.take()).every(Boolean)).toBe(true);
});
