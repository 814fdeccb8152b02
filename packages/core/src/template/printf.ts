/** Go `fmt.Sprintf` for the verbs templates use: %v %s %d %q %x %X %t %f %e %g %c %o %b and %%. */
import { formatNumber, formatValue, goQuote, goTypeName } from "./values.js";

interface Spec {
  readonly minus: boolean;
  readonly plus: boolean;
  readonly sharp: boolean;
  readonly zero: boolean;
  readonly space: boolean;
  readonly width: number | null;
  readonly precision: number | null;
}

function badVerb(verb: string, arg: unknown): string {
  if (arg === undefined || arg === null) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(arg)}=${formatValue(arg)})`;
}

function pad(text: string, spec: Spec, numeric: boolean): string {
  if (spec.width === null || [...text].length >= spec.width) return text;
  const missing = spec.width - [...text].length;
  if (spec.minus) return text + " ".repeat(missing);
  if (spec.zero && numeric) {
    const sign = /^[+\- ]/.test(text) ? (text[0] as string) : "";
    return sign + "0".repeat(missing) + text.slice(sign.length);
  }
  return " ".repeat(missing) + text;
}

function signed(text: string, negative: boolean, spec: Spec): string {
  if (negative) return `-${text}`;
  if (spec.plus) return `+${text}`;
  if (spec.space) return ` ${text}`;
  return text;
}

function formatInteger(value: number, radix: number, spec: Spec, upper: boolean): string {
  let digits = Math.abs(value).toString(radix);
  if (upper) digits = digits.toUpperCase();
  if (spec.precision !== null) digits = digits.padStart(spec.precision, "0");
  if (spec.sharp && radix === 16) digits = (upper ? "0X" : "0x") + digits;
  if (spec.sharp && radix === 8 && !digits.startsWith("0")) digits = `0${digits}`;
  return signed(digits, value < 0, spec);
}

function formatFloat(value: number, verb: string, spec: Spec): string {
  const abs = Math.abs(value);
  let text: string;
  if (verb === "f" || verb === "F") text = abs.toFixed(spec.precision ?? 6);
  else if (verb === "e" || verb === "E") {
    const [mantissa, exponent] = abs.toExponential(spec.precision ?? 6).split("e") as [string, string];
    const expNumber = Number(exponent);
    text = `${mantissa}e${expNumber < 0 ? "-" : "+"}${String(Math.abs(expNumber)).padStart(2, "0")}`;
  } else {
    text = spec.precision === null ? formatNumber(abs) : String(Number(abs.toPrecision(spec.precision || 1)));
  }
  if (verb === "E" || verb === "G") text = text.toUpperCase();
  return signed(text, value < 0 || Object.is(value, -0), spec);
}

function hexOfString(text: string, upper: boolean, spec: Spec): string {
  const hex = Buffer.from(text, "utf8").toString("hex");
  const cased = upper ? hex.toUpperCase() : hex;
  return spec.sharp ? (upper ? "0X" : "0x") + cased : cased;
}

function formatOne(verb: string, arg: unknown, spec: Spec): string {
  if (Array.isArray(arg) && verb !== "v" && verb !== "q") {
    return `[${arg.map((item) => formatOne(verb, item, { ...spec, width: null })).join(" ")}]`;
  }
  switch (verb) {
    case "v":
      if (typeof arg === "number") return pad(signed(formatNumber(Math.abs(arg)), arg < 0, spec), spec, true);
      return pad(formatValue(arg), spec, false);
    case "s":
      if (typeof arg !== "string")
        return typeof arg === "object" && arg !== null ? formatValue(arg) : badVerb(verb, arg);
      return pad(spec.precision === null ? arg : [...arg].slice(0, spec.precision).join(""), spec, false);
    case "q":
      if (typeof arg === "string") return pad(goQuote(arg), spec, false);
      if (typeof arg === "number" && Number.isInteger(arg)) return pad(`'${String.fromCodePoint(arg)}'`, spec, false);
      if (Array.isArray(arg)) return `[${arg.map((item) => formatOne(verb, item, spec)).join(" ")}]`;
      return badVerb(verb, arg);
    case "d":
    case "o":
    case "b":
      if (typeof arg !== "number" || !Number.isInteger(arg)) return badVerb(verb, arg);
      return pad(formatInteger(arg, verb === "d" ? 10 : verb === "o" ? 8 : 2, spec, false), spec, true);
    case "x":
    case "X":
      if (typeof arg === "string") return pad(hexOfString(arg, verb === "X", spec), spec, false);
      if (typeof arg !== "number" || !Number.isInteger(arg)) return badVerb(verb, arg);
      return pad(formatInteger(arg, 16, spec, verb === "X"), spec, true);
    case "c":
      if (typeof arg !== "number" || !Number.isInteger(arg)) return badVerb(verb, arg);
      return pad(String.fromCodePoint(arg), spec, false);
    case "t":
      if (typeof arg !== "boolean") return badVerb(verb, arg);
      return pad(arg ? "true" : "false", spec, false);
    case "f":
    case "F":
    case "e":
    case "E":
    case "g":
    case "G":
      if (typeof arg !== "number" || Number.isInteger(arg)) return badVerb(verb, arg);
      return pad(formatFloat(arg, verb, spec), spec, true);
    default:
      return badVerb(verb, arg);
  }
}

/** Formats like Go's `fmt.Sprintf`, including its `%!verb(…)`, `MISSING` and `EXTRA` markers. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = "";
  let argIndex = 0;
  let i = 0;
  while (i < format.length) {
    const percent = format.indexOf("%", i);
    if (percent < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, percent);
    i = percent + 1;
    const flags = { minus: false, plus: false, sharp: false, zero: false, space: false };
    for (;;) {
      const ch = format[i];
      if (ch === "-") flags.minus = true;
      else if (ch === "+") flags.plus = true;
      else if (ch === "#") flags.sharp = true;
      else if (ch === "0") flags.zero = true;
      else if (ch === " ") flags.space = true;
      else break;
      i++;
    }
    const readNumber = (): number | null => {
      if (format[i] === "*") {
        i++;
        const value = args[argIndex++];
        return typeof value === "number" ? value : null;
      }
      const match = /^\d+/.exec(format.slice(i));
      if (match === null) return null;
      i += match[0].length;
      return Number(match[0]);
    };
    const width = readNumber();
    let precision: number | null = null;
    if (format[i] === ".") {
      i++;
      precision = readNumber() ?? 0;
    }
    const verb = format[i];
    if (verb === undefined) {
      out += "%!(NOVERB)";
      break;
    }
    i++;
    if (verb === "%") {
      out += "%";
      continue;
    }
    if (argIndex >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatOne(verb, args[argIndex++], { ...flags, width, precision });
  }
  if (argIndex < args.length) {
    const extra = args
      .slice(argIndex)
      .map((arg) => (arg === null || arg === undefined ? "<nil>" : `${goTypeName(arg)}=${formatValue(arg)}`));
    out += `%!(EXTRA ${extra.join(", ")})`;
  }
  return out;
}
